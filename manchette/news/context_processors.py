from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL,
        "LOGIN_URL": settings.LOGIN_URL, "ACCOUNT_URL": settings.ACCOUNT_URL,
    }
