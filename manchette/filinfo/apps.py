from django.apps import AppConfig


class FilinfoConfig(AppConfig):
    name = "manchette.filinfo"
    label = "filinfo"
