"""The public portal (三项制度栏目). Reads only published, redacted records; none exist before issue #3."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.access import public
from core.models import Agency

# The columns of the 三项制度 portal (seed 二(一), 国办发〔2018〕118号 事前/事后公开; regulations.md §11 item 16).
COLUMNS = [
    ("zhuti", "执法主体", "行政执法主体资格、职责、法律依据与监督电话"),
    ("renyuan", "执法人员", "持证行政执法人员信息，可按执法证号核验"),
    ("shixiang", "执法事项", "行政许可、行政处罚、行政检查事项清单与裁量基准"),
    ("liucheng", "执法流程", "各类行政执法流程图与服务指南"),
    ("jieguo", "执法结果", "行政许可、行政处罚、行政检查结果公示"),
    ("nianbao", "年度数据", "上年度行政执法统计年报"),
    ("zhongda", "重大执法决定目录", "重大行政执法决定法制审核目录清单与审核流程图"),
    ("yinxiang", "音像记录清单", "行政执法音像记录事项清单"),
]
COLUMN_MAP = {slug: (title, desc) for slug, title, desc in COLUMNS}


@public
def home(request: HttpRequest) -> HttpResponse:
    bureaus = Agency.objects.filter(is_supervision_body=True, is_active=True).select_related("region")
    return render(request, "publicity/home.html", {"columns": COLUMNS, "bureaus": bureaus})


@public
def column(request: HttpRequest, column: str) -> HttpResponse:
    if column not in COLUMN_MAP:
        raise Http404("栏目不存在")
    title, desc = COLUMN_MAP[column]
    bureaus = Agency.objects.filter(is_active=True).select_related("region")
    return render(
        request,
        "publicity/column.html",
        {"columns": COLUMNS, "slug": column, "title": title, "desc": desc, "bureaus": bureaus},
    )
