from django.urls import path

from . import notify, views

app_name = "comments"
urlpatterns = [
    path("commentaires/<int:article>/", views.thread_page, name="thread"),
    path("commentaires/<int:article>/moi/", views.me, name="me"),
    path("commentaires/<int:article>/ecrire/", views.write, name="write"),
    path("commentaires/reponses/<int:comment>/", views.replies_page, name="replies"),
    path("commentaires/repondre/<int:comment>/", views.reply, name="reply"),
    path("commentaires/modifier/<int:comment>/", views.edit, name="edit"),
    path("commentaires/supprimer/<int:comment>/", views.delete, name="delete"),
    path("commentaires/signaler/<int:comment>/", views.report, name="report"),
    path("commentaires/desabonnement/<str:token>/", notify.unsubscribe, name="unsubscribe"),
]
