from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "执法案件（全过程记录）"
