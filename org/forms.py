from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from accounts.models import User
from core.models import Agency, Region
from org.actions import AGENCY_FIELDS
from org.models import ENFORCEMENT_CATEGORIES, Department, LeadingGroupMember, SubjectProfile


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


# 执法主体 and 执法人员 (事前公开) ------------------------------------------------------------------------------------


def _style_all(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _category_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="执法类别",
        choices=[(c, c) for c in ENFORCEMENT_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
    )


class SubjectForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=80)
    nature = forms.ChoiceField(label="主体性质", choices=SubjectProfile.Nature.choices)
    entrusting_agency = forms.CharField(
        label="委托机关", max_length=80, required=False, help_text="主体性质为“委托”时必填"
    )
    entrusted_scope = forms.CharField(
        label="委托范围",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="主体性质为“委托”时必填",
    )
    head = forms.CharField(label="负责人", max_length=40)
    address = forms.CharField(label="办公地址", max_length=120)
    categories = _category_field()
    area = forms.CharField(label="执法区域", max_length=120, help_text="如：玉溪市行政区域内")
    phone = forms.CharField(label="联系方式", max_length=40, help_text="办公电话，如 0877-2021234")
    supervision_phone = forms.CharField(label="监督电话", max_length=40)
    legal_basis = forms.CharField(
        label="法律依据",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项，如：《中华人民共和国律师法》第四条",
    )
    change_note = forms.CharField(
        label="变更说明", max_length=200, required=False, help_text="本次修改了什么，将随公告一并公示"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_all(self)


class OfficerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    department = forms.ModelChoiceField(
        label="所在科室（具体执法机构）", queryset=Department.objects.none(), required=False
    )
    position = forms.CharField(label="职务", max_length=60)
    categories = _category_field()
    area = forms.CharField(label="执法区域", max_length=120)
    photo = forms.FileField(
        label="照片", required=False, help_text="JPG 或 PNG，不超过 2 MB；不上传则保留原照片"
    )
    cert_number = forms.CharField(
        label="执法证号", max_length=30, help_text="如 云执53040020260001；换发新证请填写新证号"
    )
    cert_issuer = forms.CharField(label="发证机关", max_length=80, initial="云南省人民政府")
    cert_valid_from = forms.DateField(label="有效期自", widget=forms.DateInput(attrs={"type": "date"}))
    cert_valid_until = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))
    has_legal_qualification = forms.BooleanField(label="具有法律职业资格（内部信息，不公示）", required=False)
    id_number = forms.CharField(label="身份证号（内部信息，不公示）", max_length=18, required=False)
    mobile = forms.CharField(label="手机（内部信息，不公示）", max_length=11, required=False)
    user = forms.ModelChoiceField(label="平台账号", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(agency=agency, is_active=True)  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(agency=agency, is_active=True)  # type: ignore[attr-defined]
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png"
        _style_all(self)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="退回意见", widget=forms.Textarea(attrs={"rows": 4}), help_text="写明需要修改的内容"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_all(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="离岗原因", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_all(self)


class CertificateStatusForm(forms.Form):
    action = forms.ChoiceField(
        label="操作", choices=[("suspend", "暂扣"), ("revoke", "注销"), ("restore", "恢复")]
    )
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_all(self)
