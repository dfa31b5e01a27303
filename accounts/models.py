"""Users and their roles. A user belongs to one agency; roles are granted within that agency."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "执法人员"
    DEPT_HEAD = "dept_head", "科室负责人"
    REVIEWER = "reviewer", "法制审核员"
    DEPUTY_LEADER = "deputy_leader", "分管领导"
    PRINCIPAL = "principal", "主要负责人"
    SUPERVISOR = "supervisor", "监督员"
    PUBLICITY_REVIEWER = "publicity_reviewer", "公示审核员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


class User(AbstractUser):
    """A member of staff. Never deleted: deactivated (``is_active``) so the audit chain keeps its actor."""

    full_name = models.CharField("姓名", max_length=40)
    agency = models.ForeignKey(
        "core.Agency",
        verbose_name="所属机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name="所在科室",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    title = models.CharField("职务", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        ordering = ["agency_id", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def role_labels(self) -> list[str]:
        return [Role(code).label for code in Role.values if code in self.role_codes]


class UserRole(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT, related_name="roles")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授予"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="userrole_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("用途", max_length=60, default="API")
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name} {self.prefix}…"

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
