from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import Role, User
from org.models import Department


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败 5 次后账号将被锁定 15 分钟。",
        "inactive": "该账号已停用，请联系本机关安全管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"class": "form-control"})
    )
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"class": "form-control"}),
        help_text="至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少 3 类。",
    )
    new_password2 = forms.CharField(
        label="确认新密码", widget=forms.PasswordInput(attrs={"class": "form-control"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class UserForm(forms.Form):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": "只能使用 3–30 位字母、数字、下划线、点或横线"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label="姓名", max_length=40, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label="所属机关", queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )  # type: ignore[arg-type]
    department = forms.ModelChoiceField(
        label="所在科室",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    title = forms.CharField(
        label="职务", max_length=40, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    roles = forms.MultipleChoiceField(
        label="角色",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="三员分立：系统管理员、安全管理员、审计管理员只能单独担任。",
        error_messages={"required": "至少选择一个角色"},
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        help_text="至少 8 位，包含大写字母、小写字母、数字、特殊字符中的至少 3 类。",
    )
    is_active = forms.BooleanField(
        label="启用",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, agencies: Any, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            agency__in=agencies, is_active=True
        ).select_related("agency")  # type: ignore[attr-defined]
        self.fields["department"].label_from_instance = lambda d: f"{d.agency.name} · {d.name}"  # type: ignore[attr-defined]
        if editing is not None:
            for name in ("username", "agency", "password"):
                del self.fields[name]
        else:
            del self.fields["is_active"]
