from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "重大执法决定法制审核与集体讨论"
