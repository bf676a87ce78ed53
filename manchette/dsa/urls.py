from django.urls import path

from . import views

app_name = "dsa"
urlpatterns = [
    path("contenu-illicite/<int:comment>/", views.notice, name="notice"),
    path("contenu-illicite/reexamen/<int:statement>/", views.review, name="review"),
    path("contenu-illicite/reexamen/lien/<str:token>/", views.review_link, name="review_link"),
]
