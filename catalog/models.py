"""事项清单 (seed 二(一)3–4): items per agency with their 法律依据, 裁量基准, 音像记录 duties, 服务指南 and the
fields of the 重大执法决定目录 and 随机抽查事项清单; reviewed by the 行政执法协调监督科 and published as
``publicity.Publication`` snapshots (the portal never reads these rows).

Items are never deleted: an abolished item (废止) keeps its row and revisions; its publication is withdrawn.
Child rows (依据, 裁量, 音像, 材料) belong to the working draft and are replaced when the draft is saved; every
submitted and published version is kept as a snapshot in ``ItemRevision``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models

from catalog import rules
from catalog.process import PROCEDURES
from publicity.rules import DRAFT, REVIEW_STATES


class Category(models.TextChoices):
    """执法职权类别 (regulations.md §2.2: 处罚、强制、检查、征收征用、许可 职权事项)."""

    LICENSING = "licensing", "行政许可"
    PENALTY = "penalty", "行政处罚"
    INSPECTION = "inspection", "行政检查"
    COERCION = "coercion", "行政强制"
    OTHER = "other", "其他"


class Level(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class TimeUnit(models.TextChoices):
    WORKDAY = "workday", "工作日"
    CALENDAR = "calendar", "自然日"


class Item(models.Model):
    """One 执法事项 of an agency (事项编码 unique within the agency)."""

    agency = models.ForeignKey(
        "core.Agency", verbose_name="实施主体", on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField("事项编码", max_length=40, help_text="字母、数字和连字符，如 YXSFJ-CF-001")
    name = models.CharField("事项名称", max_length=200)
    category = models.CharField("事项类别", max_length=20, choices=Category.choices)
    level = models.CharField("实施层级", max_length=10, choices=Level.choices, default=Level.CITY)
    department = models.ForeignKey(
        "org.Department", verbose_name="承办科室", on_delete=models.PROTECT, related_name="items"
    )
    procedure = models.CharField(
        "办理程序", max_length=30, blank=True, choices=list(PROCEDURES.items()), help_text="决定显示的流程图"
    )
    time_limit_days = models.PositiveIntegerField("办理时限（天数）", null=True, blank=True)
    time_limit_unit = models.CharField(
        "时限单位", max_length=10, blank=True, choices=TimeUnit.choices, default=TimeUnit.WORKDAY
    )
    time_limit_text = models.CharField(
        "办理时限（说明）", max_length=200, blank=True, help_text="如：20个工作日；即时办结"
    )
    is_major = models.BooleanField(
        "重大执法决定", default=False, help_text="列入重大执法决定法制审核目录（附件4）"
    )
    major_criteria = models.TextField("重大执法决定认定标准", blank=True)
    inspection_sub_items = models.TextField("检查子项", blank=True)
    inspection_method = models.CharField(
        "检查方式", max_length=200, blank=True, help_text="如：双随机抽查；书面检查"
    )
    inspection_content = models.TextField("检查内容", blank=True)
    inspection_note = models.TextField("备注（抽查清单）", blank=True)
    is_random_inspection = models.BooleanField("列入随机抽查事项清单", default=False)

    state = models.CharField("审核状态", max_length=12, choices=REVIEW_STATES, default=DRAFT)
    return_comment = models.TextField("退回意见", blank=True)
    published_version = models.PositiveIntegerField("已发布版本", default=0)
    published_at = models.DateTimeField("最近发布时间", null=True, blank=True)
    change_note = models.CharField("变更说明", max_length=300, blank=True)
    is_abolished = models.BooleanField("已废止", default=False)
    abolished_reason = models.CharField("废止理由", max_length=300, blank=True)
    abolished_at = models.DateTimeField("废止时间", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法事项"
        ordering = ["agency_id", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="item_code_unique_per_agency")]
        indexes = [
            models.Index(fields=["agency", "state"], name="item_agency_state"),
            models.Index(fields=["agency", "category"], name="item_agency_category"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def time_limit_display(self) -> str:
        return rules.time_limit_display(
            self.time_limit_days, self.get_time_limit_unit_display(), self.time_limit_text
        )


class LegalBasis(models.Model):
    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="legal_bases")
    law = models.CharField("法律法规名称", max_length=200, help_text="如：《中华人民共和国律师法》")
    article = models.CharField("条款", max_length=100, blank=True, help_text="如：第五十五条")
    text = models.TextField("条文内容", blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "法律依据"
        ordering = ["item_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.law}{self.article}"


class DiscretionBand(models.Model):
    """裁量基准 band: a condition and the penalty range (《行政处罚法》第三十四条：裁量基准应当向社会公布)."""

    item = models.ForeignKey(
        Item, verbose_name="事项", on_delete=models.CASCADE, related_name="discretion_bands"
    )
    condition = models.TextField("违法情形")
    range_text = models.CharField(
        "处罚幅度", max_length=300, help_text="如：警告，或处五千元以上一万元以下罚款"
    )
    fine_min = models.DecimalField("罚款下限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "裁量基准"
        ordering = ["item_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.condition} → {self.range_text}"


class AvDuty(models.Model):
    """音像记录 duty of one step (音像记录事项清单，附件3)."""

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="av_duties")
    step = models.CharField("执法环节", max_length=100, help_text="如：现场检查；调查取证；听证")
    requirement = models.CharField("记录要求", max_length=300, help_text="如：全过程音像记录")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "音像记录要求"
        ordering = ["item_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.step}：{self.requirement}"


class ServiceGuide(models.Model):
    """服务指南 of a 许可 item (《行政许可法》第三十条：公示条件、材料目录、示范文本、期限、收费)."""

    item = models.OneToOneField(Item, verbose_name="事项", on_delete=models.CASCADE, related_name="guide")
    conditions = models.TextField("申请条件")
    fees = models.CharField("收费标准", max_length=300, default="不收费")
    time_limit = models.CharField("承诺时限", max_length=200, blank=True)
    remedies = models.TextField("救济渠道", help_text="行政复议、行政诉讼的机关与期限")
    window = models.CharField("办理窗口", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务指南"

    def __str__(self) -> str:
        return f"{self.item} 服务指南"


class GuideMaterial(models.Model):
    guide = models.ForeignKey(
        ServiceGuide, verbose_name="服务指南", on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField("材料名称", max_length=200)
    required = models.BooleanField("必需", default=True)
    copies = models.PositiveSmallIntegerField("份数", default=1)
    sample = models.FileField(
        "示范文本",
        upload_to="samples/",
        blank=True,
        max_length=200,
        validators=[FileExtensionValidator(list(rules.SAMPLE_EXTENSIONS)), rules.validate_sample_size],
        help_text="pdf、doc、docx、xls、xlsx、jpg、png，不超过10 MB",
    )
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["guide_id", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ItemRevision(models.Model):
    """Append-only history of an item: who did what when, with a snapshot of what was submitted/published."""

    class Action(models.TextChoices):
        CREATE = "create", "新建草稿"
        IMPORT = "import", "批量导入"
        SUBMIT = "submit", "报送审核"
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核发布"
        ABOLISH = "abolish", "废止"

    item = models.ForeignKey(Item, verbose_name="事项", on_delete=models.PROTECT, related_name="revisions")
    agency = models.ForeignKey(
        "core.Agency", verbose_name="执法机关", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("时间")
    comment = models.TextField("意见或说明", blank=True)
    version = models.PositiveIntegerField("发布版本", null=True, blank=True)
    snapshot = models.JSONField("内容快照", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项修订记录"
        ordering = ["item_id", "-at", "-id"]
        indexes = [models.Index(fields=["item", "action"], name="itemrevision_item_action")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
