"""Publication snapshots: the only rows the public portal and open-data API read (design.md §4).

A publication is a redacted copy made at publish time. Publishing again creates the next version and
supersedes the previous one; every version is kept and dated (seed 二(一)3: 每个发布的版本都留存). Withdrawal
hides a publication and keeps the reason for the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    SUBJECT = "subject", "执法主体"
    OFFICER = "officer", "执法人员"
    # The 重大执法决定目录清单, 音像记录事项清单 and 随机抽查事项清单 are views over published items (each item carries
    # its 重大 flag and criteria, its 音像记录 duties and its 抽查 fields), so they are reviewed with the item.
    ITEM = "item", "执法事项"


class PublicationQuerySet(models.QuerySet["Publication"]):
    def current(self) -> PublicationQuerySet:
        """What the public sees: the latest version of each record, not withdrawn."""
        return self.filter(superseded_at__isnull=True, withdrawn_at__isnull=True)


class Publication(models.Model):
    kind = models.CharField("公示类别", max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "core.Agency", verbose_name="执法机关", on_delete=models.PROTECT, related_name="publications"
    )
    key = models.CharField(
        "公示标识", max_length=120, help_text="同类同机关内不变的标识：事项编码、执法证号、清单编号等"
    )
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=300)
    category = models.CharField("分类", max_length=40, blank=True, help_text="如：行政许可、行政处罚")
    department = models.CharField("承办科室", max_length=80, blank=True)
    search_text = models.TextField(
        "检索文本", blank=True, help_text="名称、编码、依据等，供门户中文子串检索（已脱敏）"
    )
    payload = models.JSONField("公示内容（已脱敏）")
    source_type = models.CharField("来源类型", max_length=60)
    source_id = models.CharField("来源标识", max_length=60)
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    superseded_at = models.DateTimeField("被新版本替代时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤回人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField("撤回理由", max_length=300, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公示发布记录"
        ordering = ["kind", "agency_id", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "agency", "key", "version"], name="publication_version_unique"
            ),
            # At most one live version per record.
            models.UniqueConstraint(
                fields=["kind", "agency", "key"],
                condition=Q(superseded_at__isnull=True),
                name="publication_one_latest",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "superseded_at", "withdrawn_at"], name="publication_live"),
            models.Index(fields=["source_type", "source_id"], name="publication_source"),
            # The public 执法证 verification looks a number up without knowing the agency.
            models.Index(fields=["kind", "key"], name="publication_kind_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}（第{self.version}版）"

    @property
    def is_live(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None
