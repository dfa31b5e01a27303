import logging

from django.apps import AppConfig

logger = logging.getLogger("sanxiang.catalog")


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "执法事项与流程"

    # Problems found in catalog/processes/*.yaml when the app started ([] when all validate).
    process_errors: list[str] = []

    def ready(self) -> None:
        """Validate the procedure definitions at startup and register the ``catalog.E001`` system check.

        A broken definition is logged here (every process, including gunicorn workers) and fails
        ``manage.py check`` / ``migrate`` / ``runserver`` through the check; pages that need the broken
        procedure raise ``ProcessDefinitionError`` with the same message.
        """
        from catalog import checks, process  # noqa: F401  (registers the check)

        errors = process.validate_dir()
        type(self).process_errors = errors
        for message in errors:
            logger.error("流程定义错误：%s", message)
