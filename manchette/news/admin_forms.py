"""Forms of the Wagtail admin that Manchette adjusts (WAGTAILADMIN_USER_LOGIN_FORM)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail redeclares the password field without a label, so Django shows the field name, « Password »,
        # which no catalogue can translate. Django's own msgid gives « Mot de passe » in French and stays
        # English for the editors who chose English in their admin preferences.
        self.fields["password"].label = _("Password")
