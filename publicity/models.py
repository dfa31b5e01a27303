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
    # 事后公开 (seed 二(一)6; 国办发〔2018〕118号): a 许可/处罚/检查 decision, from a reviewed ResultDraft.
    DECISION = "decision", "执法结果"
    # 年度数据 (seed 二(一)7): one agency's (or the city's) annual statistics for a year, from an AnnualReport.
    ANNUAL = "annual", "年度数据"


class PublicationQuerySet(models.QuerySet["Publication"]):
    def current(self) -> PublicationQuerySet:
        """What the public sees: the latest version of each record, not withdrawn, not past its display period."""
        from django.utils import timezone

        return self.filter(superseded_at__isnull=True, withdrawn_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=timezone.localdate())
        )


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
    expires_on = models.DateField(
        "公示截止日期",
        null=True,
        blank=True,
        help_text="公示期限届满后自动从门户下线（按当事人类型和处罚种类配置）；空：长期公示",
    )

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


class ResultDraft(models.Model):
    """结果公示草稿 (issue #6 item 1): made when a 许可/处罚 decision (7 个工作日) or another decision such as a
    检查结果 (20 个工作日) is made; a 公示审核员 checks the redacted text and publishes it. ``fields`` is the internal
    source (staff only); the portal reads only the Publication made from it."""

    class State(models.TextChoices):
        PENDING = "pending", "待公示"
        PUBLISHED = "published", "已公示"
        BLOCKED = "blocked", "依法不予公开"
        WITHDRAWN = "withdrawn", "已撤回"
        SUPERSEDED = "superseded", "已被更正版本取代"

    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="result_drafts"
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name="执法机关", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField("版本", default=1)
    category = models.CharField("执法类别", max_length=20, help_text="行政许可、行政处罚、行政检查等")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    fields = models.JSONField("公示字段（内部原文）", default=dict)
    party_kind = models.CharField("当事人类型", max_length=12, blank=True)
    decided_on = models.DateField("决定日期")
    deadline_days = models.PositiveSmallIntegerField("公示时限（工作日）")
    due_on = models.DateField("公示期限届满日", db_index=True)
    block_reason = models.CharField("不予公开理由", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    published_on = models.DateField("公示日期", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公示人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_time = models.BooleanField("按期公示", null=True, blank=True)
    publication = models.ForeignKey(
        Publication,
        verbose_name="公示记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正前版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = verbose_name_plural = "结果公示"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="resultdraft_one_pending_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} 结果公示 v{self.version}（{self.get_state_display()}）"


class DecisionChange(models.Model):
    """A published decision 变更、撤销、确认违法 or 确认无效 (after 复议/诉讼 or by the agency itself): the publication is
    withdrawn within 3 个工作日 with a public reasons notice (《行政处罚法》第四十八条第二款)."""

    class Change(models.TextChoices):
        ALTERED = "altered", "变更"
        REVOKED = "revoked", "撤销"
        ILLEGAL = "illegal", "确认违法"
        VOID = "void", "确认无效"

    class Source(models.TextChoices):
        RECONSIDERATION = "reconsideration", "行政复议"
        LITIGATION = "litigation", "行政诉讼"
        SELF = "self", "本机关自行纠正"

    case = models.ForeignKey(
        "cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="decision_changes"
    )
    agency = models.ForeignKey(
        "core.Agency", verbose_name="执法机关", on_delete=models.PROTECT, related_name="+"
    )
    change = models.CharField("变化类型", max_length=10, choices=Change.choices)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    occurred_on = models.DateField("复议决定、判决或纠正决定作出日期")
    reference = models.CharField("文书文号", max_length=120, blank=True)
    notice = models.CharField("公开的撤回说明", max_length=300)
    due_on = models.DateField("撤回期限届满日")
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    on_time = models.BooleanField("按期撤回", null=True, blank=True)
    draft = models.ForeignKey(
        ResultDraft,
        verbose_name="被撤回的结果公示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "决定变更与撤回"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_change_display()}"


class CreditExport(models.Model):
    """一次双公示导出（信用中国（云南）字段；文件导出，不联网推送）."""

    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    fmt = models.CharField("格式", max_length=4, choices=[("csv", "CSV"), ("json", "JSON")])
    rows = models.PositiveIntegerField("条数")
    blob = models.ForeignKey("evidence.Blob", verbose_name="文件", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("导出时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导出人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "双公示导出"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"双公示导出 {self.created_at:%Y-%m-%d %H:%M}（{self.rows}条）"


class CreditRecord(models.Model):
    """One 许可/处罚 decision's 双公示 duty: sent within 7 个工作日, re-sent (as 撤销) on withdrawal."""

    class Action(models.TextChoices):
        ADD = "add", "新增"
        WITHDRAW = "withdraw", "撤销"

    publication = models.ForeignKey(
        Publication, verbose_name="公示记录", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    due_on = models.DateField("报送期限届满日")
    export = models.ForeignKey(
        CreditExport,
        verbose_name="导出批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    exported_on = models.DateField("导出日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "双公示报送"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "action"], name="creditrecord_once_per_action"),
        ]

    def __str__(self) -> str:
        return f"双公示{self.get_action_display()}（公示记录{self.publication_id}）"


class AnnualReport(models.Model):
    """行政执法统计年报 of one agency for one year (seed 二(一)7; 1月31日前公开): the six tables computed from the
    case data plus manual entries, a 情况说明, charts; every past year kept."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已公开"

    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    narrative = models.TextField("情况说明", blank=True)
    data = models.JSONField("统计数据", default=dict, help_text="六张表及扩展列（计算结果快照）")
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公开人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publication = models.ForeignKey(
        Publication,
        verbose_name="公示记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "年度数据"
        ordering = ["-year", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="annualreport_once_per_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}年度数据"


class ManualEntry(models.Model):
    """A figure the platform does not handle (e.g. 行政征收、行政征用、行政强制 done outside it), entered by hand and
    marked as such in the report."""

    class Table(models.TextChoices):
        LICENSING = "licensing", "行政许可"
        PENALTY = "penalty", "行政处罚"
        COERCION = "coercion", "行政强制"
        LEVY = "levy", "行政征收"
        REQUISITION = "requisition", "行政征用"
        INSPECTION = "inspection", "行政检查"

    agency = models.ForeignKey("core.Agency", verbose_name="机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    table = models.CharField("统计表", max_length=12, choices=Table.choices)
    department = models.CharField("科室", max_length=80, blank=True)
    values = models.JSONField("数据", default=dict, help_text="列代码 → 数值")
    note = models.CharField("说明", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "年度数据手工填报"
        ordering = ["year", "table", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "table", "department"], name="manualentry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_table_display()}手工填报（{self.department or '本机关'}）"
