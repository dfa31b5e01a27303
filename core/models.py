"""Tenancy (regions, agencies) and the working-day calendar.

Tenants are enforcement bodies (执法机关) grouped by region. A region's 司法局 is also its
行政执法监督机构 (《行政执法监督条例》第六条); other agencies are supervised, never assumed to be 司法局.
"""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "设区的市"
        COUNTY = "county", "县（市、区）"

    code = models.CharField("行政区划代码", max_length=12, unique=True)
    name = models.CharField("简称", max_length=40)
    full_name = models.CharField("全称", max_length=80)
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An enforcement body (执法机关). The tenant of every record of enforcement."""

    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="agencies"
    )
    name = models.CharField("机关名称", max_length=80, unique=True)
    short_name = models.CharField(
        "文书简称",
        max_length=8,
        unique=True,
        help_text="用于文书编号，如“玉司”“红司”，见 regulations.md §4.4",
    )
    sector = models.CharField(
        "执法领域", max_length=40, blank=True, help_text="如：司法行政、市场监管、生态环境"
    )
    is_supervision_body = models.BooleanField(
        "行政执法监督机构",
        default=False,
        help_text="本级司法行政部门即本级政府的行政执法监督机构（《行政执法监督条例》第六条）",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("办公地址", max_length=120, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    supervision_phone = models.CharField("监督电话", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveIntegerField("排序", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法机关"
        ordering = ["region__sort", "sort", "id"]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """A year whose official arrangement (节假日 + 调休) is loaded. Years without a row are unknown."""

    year = models.PositiveIntegerField("年份", primary_key=True)
    source = models.CharField("来源", max_length=200)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "已载入年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class Holiday(models.Model):
    """One exception to the Monday–Friday week: a day off (法定节假日) or a 调休 working weekend day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("节日名称", max_length=40, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Job(models.Model):
    """A background job (an import, an export, a report) with its progress, shown on a progress page.

    Only its creator, and users who hold ``capability`` over its agency, may read it (core.jobs.get_for).
    ``errors`` holds the row-level Chinese messages of a refused import ("第N行 字段名：问题").
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "成功"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=200)
    agency = models.ForeignKey(Agency, verbose_name="所属机关", on_delete=models.PROTECT, related_name="jobs")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="发起人", on_delete=models.PROTECT, related_name="jobs"
    )
    capability = models.CharField(
        "查阅权限", max_length=60, help_text="对所属机关具有此权限的用户也可查看本任务"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="core_job_creator_idx")]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
