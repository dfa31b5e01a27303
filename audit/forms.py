"""The audit log viewer's filter form and the Chinese names of actions and roles."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent

ACTION_LABELS = {
    "auth.login": "登录",
    "auth.logout": "退出",
    "auth.login_failed": "登录失败",
    "auth.token_issued": "签发令牌",
    "accounts.user_created": "创建用户",
    "accounts.user_updated": "修改用户",
    "accounts.password_reset": "重置密码",
    "accounts.password_changed": "修改密码",
    "accounts.unlocked": "解除锁定",
    "calendar.holiday_saved": "工作日历：保存节假日或调休",
    "calendar.holiday_deleted": "工作日历：删除节假日或调休",
    "calendar.year_imported": "工作日历：导入年度安排",
    "org.agency_created": "机构：登记机关",
    "org.agency_updated": "机构：修改机关",
    "org.department_created": "机构：新增科室",
    "org.department_updated": "机构：修改科室",
    "org.leading_group_saved": "机构：保存领导小组",
    "org.leading_group_member_saved": "机构：保存领导小组成员",
    "org.leading_group_member_removed": "机构：移除领导小组成员",
    "audit.checkpoint_created": "创建审计检查点",
    "audit.verified": "校验审计链",
}
# Groups of actions, for unknown codes and for filtering by prefix ("calendar.*").
GROUP_LABELS = {
    "auth": "登录认证",
    "accounts": "账号",
    "calendar": "工作日历",
    "org": "机构",
    "audit": "审计",
}
PLATFORM = "platform"


def action_label(code: str) -> str:
    """The Chinese name of an action code; a code of a known group shows the group; else the code itself."""
    if code in ACTION_LABELS:
        return ACTION_LABELS[code]
    group = code.split(".", 1)[0]
    if group in ("calendar", "org") and "." in code:
        return f"{GROUP_LABELS[group]}（{code}）"
    return code


def role_labels(codes: str) -> str:
    """``"officer,reviewer"`` → ``"执法人员、法制审核员"`` (unknown codes stay as they are)."""
    names = []
    for code in filter(None, codes.split(",")):
        try:
            names.append(str(Role(code).label))
        except ValueError:
            names.append(code)
    return "、".join(names)


def action_choices() -> list[tuple[str, str]]:
    """Suggestions for the action filter: each group ("calendar.*") and each known action."""
    groups = [(f"{g}.*", f"{label}（全部）") for g, label in GROUP_LABELS.items()]
    return groups + list(ACTION_LABELS.items())


class EventFilterForm(forms.Form):
    """Filters of the event list (and of GET /api/v1/audit/events): agency, action, date range, actor."""

    agency = forms.ChoiceField(
        label="机关", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    action = forms.RegexField(
        label="操作",
        required=False,
        regex=r"^[A-Za-z0-9_.:*-]{1,64}$",
        error_messages={"invalid": "操作代码只能包含字母、数字和 _.:-，组可写作 calendar.*"},
        widget=forms.TextInput(
            attrs={"class": "form-control", "list": "audit-actions", "placeholder": "全部操作"}
        ),
    )
    date_from = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    date_to = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    actor = forms.CharField(
        label="操作人用户名",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "用户名"}),
    )

    def __init__(
        self, *args: Any, agencies: list[tuple[int, str]] | None = None, platform: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "全部机关")] + [(str(pk), name) for pk, name in agencies or []]
        if platform:
            choices.append((PLATFORM, "平台（无所属机关的事件）"))
        self.fields["agency"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """Narrow ``events`` (already scoped to the user) by the filters; none when a filter is invalid
        (an agency outside the scope, dates the wrong way round): never silently show more."""
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        agency = data.get("agency")
        if agency == PLATFORM:
            events = events.filter(agency__isnull=True)
        elif agency:
            events = events.filter(agency_id=int(agency))
        action = data.get("action")
        if action:
            if action.endswith("*"):
                events = events.filter(action__startswith=action.rstrip("*"))
            else:
                events = events.filter(action=action)
        # Dates are days in Asia/Shanghai (the settings' TIME_ZONE); the end date is included.
        if data.get("date_from"):
            events = events.filter(created_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(created_at__lt=_start_of(data["date_to"] + timedelta(days=1)))
        if data.get("actor"):
            events = events.filter(actor__username=data["actor"].strip())
        return events


def _start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class CheckpointForm(forms.Form):
    """Create checkpoints: of one chain, or (empty) of every chain in the auditor's scope."""

    chain = forms.ChoiceField(
        label="审计链", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, chains: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["chain"].choices = [("", "我有权查阅的全部审计链"), *(chains or [])]  # type: ignore[attr-defined]
