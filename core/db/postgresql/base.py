"""PostgreSQL backend that creates test databases with a C.UTF-8 locale.

design.md §2: the database must be C.UTF-8 (or zh_CN.UTF-8): under plain ``C`` pg_trgm yields
nothing for Chinese. Django's ``TEST`` settings take a template and a charset but not a locale, so
the creation SQL gets the locale here. Production databases are created by the operator the same way
(``createdb -T template0 -E UTF8 -l C.UTF-8 sanxiang``).
"""

from django.db.backends.postgresql import base, creation


class DatabaseCreation(creation.DatabaseCreation):
    def _get_database_create_suffix(self, encoding=None, template=None):
        suffix = super()._get_database_create_suffix(encoding=encoding, template=template)  # type: ignore[misc]
        return f"{suffix} LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
