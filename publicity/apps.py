from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "公示与门户"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core.models import Agency
        from publicity.models import Publication
        from publicity.public import bump_generation

        # Cached list counts and facets of the portal start afresh after any publish/supersede/withdraw, and
        # the cached agency names after an agency is renamed.
        post_save.connect(bump_generation, sender=Publication, dispatch_uid="publicity.bump_generation")
        post_save.connect(bump_generation, sender=Agency, dispatch_uid="publicity.bump_generation_agency")
