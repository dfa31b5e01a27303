from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from core.models import Agency, Region
from org.actions import AGENCY_FIELDS
from org.models import Department, LeadingGroupMember


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = AGENCY_FIELDS

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = Region.objects.filter(pk__in=regions)  # type: ignore[attr-defined]
        self.fields["credit_code"].validators.append(
            RegexValidator(
                r"^[0-9A-HJ-NPQRTUWXY]{18}$",
                "应为 18 位统一社会信用代码（数字和大写字母，不含 I、O、S、V、Z）",
            )
        )
        _style(self)

    def validate_unique(self) -> None:
        """Uniqueness is checked by org.actions (with a message naming the other agency)."""


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "is_review_office", "is_enforcing", "is_active", "sort"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def validate_unique(self) -> None:
        """Checked by org.actions.save_department."""


class LeadingGroupForm(forms.Form):
    name = forms.CharField(label="名称", max_length=80)
    office = forms.ModelChoiceField(label="办公室设在", queryset=Department.objects.none(), required=False)
    duties = forms.CharField(label="职责", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Department.objects.filter(agency=agency)  # type: ignore[attr-defined]
        _style(self)


class MemberForm(forms.ModelForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["position", "name", "title", "department", "sort"]

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(agency=agency)  # type: ignore[attr-defined]
        _style(self)
