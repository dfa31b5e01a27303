"""Pure rules of the 事项清单 (seed 二(一)3–4, regulations.md §2.2, §7, §8, §9). No database access here.

An item travels as *item data*: a plain dict with the fields of ``catalog.models.Item`` (category/level/unit as
their stored values, ``department`` as the 承办科室 name) and its child rows as lists of dicts::

    {"code", "name", "category", "level", "department", "procedure", "time_limit_days", "time_limit_unit",
     "time_limit_text", "is_major", "major_criteria", "is_random_inspection", "inspection_sub_items",
     "inspection_method", "inspection_content", "inspection_note", "change_note",
     "legal_bases": [{"law", "article", "text"}],
     "discretion": [{"condition", "range_text", "fine_min", "fine_max", "note"}],
     "av_duties": [{"step", "requirement"}],
     "guide": None | {"conditions", "fees", "time_limit", "remedies", "window", "phone",
                      "materials": [{"name", "required", "copies", "sample"}]}}

``check_item`` checks it (drafts), ``check_item(..., for_publication=True)`` adds what the law requires before
an item may be published. The Excel import (helper C) works on *rows* of text cells keyed by ``ITEM_COLUMNS``;
``parse_row`` turns a row into item data and ``validate_item`` reports every problem of a row.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from catalog.process import PROCEDURES
from publicity.rules import MIN_REASON

SAMPLE_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "png")
SAMPLE_MAX_BYTES = 10 * 1024 * 1024

LICENSING = "licensing"
PENALTY = "penalty"
INSPECTION = "inspection"
COERCION = "coercion"
OTHER = "other"
CATEGORY_LABELS = {
    LICENSING: "行政许可",
    PENALTY: "行政处罚",
    INSPECTION: "行政检查",
    COERCION: "行政强制",
    OTHER: "其他",
}
# Short forms used in 权责清单 and in the bureau's spreadsheets.
CATEGORY_ALIASES = {
    **{label: code for code, label in CATEGORY_LABELS.items()},
    "许可": LICENSING,
    "处罚": PENALTY,
    "检查": INSPECTION,
    "强制": COERCION,
    "其他行政权力": OTHER,
    "行政奖励": OTHER,
    "行政确认": OTHER,
    "行政征收": OTHER,
    "行政征用": OTHER,
    "行政给付": OTHER,
    "行政裁决": OTHER,
}
LEVEL_LABELS = {"city": "市级", "county": "县级"}
UNIT_LABELS = {"workday": "工作日", "calendar": "自然日"}

# 事项编码: letters, digits and hyphens, starting with a letter or digit (e.g. YXSFJ-CF-001).
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{1,39}$")
MIN_COMMENT = MIN_REASON  # one minimum for every reason and comment (publicity.rules)

# (field, Chinese header of the 附件2 template, required)
ITEM_COLUMNS: list[tuple[str, str, bool]] = [
    ("code", "事项编码", True),
    ("name", "事项名称", True),
    ("category", "事项类别", True),
    ("level", "实施层级", True),
    ("department", "承办科室", True),
    ("legal_bases", "法律依据", True),
    ("procedure", "办理程序", False),
    ("time_limit", "办理时限", False),
    ("discretion", "裁量基准", False),
    ("is_major", "重大执法决定", False),
    ("major_criteria", "重大执法决定认定标准", False),
    ("av_duties", "音像记录要求", False),
    ("is_random_inspection", "列入随机抽查", False),
    ("inspection_sub_items", "检查子项", False),
    ("inspection_method", "检查方式", False),
    ("inspection_content", "检查内容", False),
    ("inspection_note", "备注", False),
    ("change_note", "变更说明", False),
]
ITEM_COLUMNS_HELP = {
    "code": "字母、数字和连字符，如 YXSFJ-CF-001；同一机关内唯一",
    "category": "行政许可、行政处罚、行政检查、行政强制或其他（也可写 许可/处罚/检查/强制）",
    "level": "市级或县级",
    "department": "本机关内设科室的全称，如 律师工作管理科",
    "legal_bases": "每行一条：《法律名称》第N条：条文内容（条文可省略）",
    "procedure": "、".join(PROCEDURES.values()) + "；留空按类别默认",
    "time_limit": "如：20个工作日、30个自然日；或文字说明，如 即时办结",
    "discretion": "每行一档：违法情形｜处罚幅度｜说明（说明可省略）",
    "is_major": "是或否",
    "av_duties": "每行一条：执法环节：记录要求",
    "is_random_inspection": "是或否（行政检查事项）",
}
ITEM_COLUMNS_DOC = """Cell formats of the 附件2 template (ITEM_COLUMNS):

- 法律依据 (legal_bases): one basis per line, ``《法律名称》第N条：条文`` (the text after "：" may be left out);
  several articles of one law may share a line: ``《律师法》第四条、第五十一条``; lines may also be separated by "；".
- 裁量基准 (discretion): one band per line, ``违法情形｜处罚幅度｜说明`` ("|" also accepted; 说明 optional);
  a range written with Arabic digits such as ``处5000元以上1万元以下罚款`` also fills 罚款下限/上限.
- 音像记录要求 (av_duties): one per line, ``执法环节：记录要求``.
- 办理时限 (time_limit): ``20个工作日`` / ``30个自然日`` / ``20`` (working days) or free text (即时办结).
- 重大执法决定, 列入随机抽查: 是/否 (blank = 否).
A row may carry ``_row`` (its row number in the sheet) for error messages; without it the n-th row (from 0) is
reported as 第n+2行, i.e. the sheet row under a single header row.
"""
__doc__ = (__doc__ or "") + "\n" + ITEM_COLUMNS_DOC


def validate_sample_size(file: Any) -> None:
    """示范文本 files are at most 10 MB (model field validator)."""
    if file is not None and getattr(file, "size", 0) > SAMPLE_MAX_BYTES:
        raise ValidationError("示范文本：文件不能超过10 MB")


def sample_file_error(filename: str, size: int) -> str | None:
    """Why an uploaded 示范文本 is refused, or None (《行政许可法》第三十条：申请书示范文本应当公示)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in SAMPLE_EXTENSIONS:
        return f"示范文本：仅支持 {'、'.join(SAMPLE_EXTENSIONS)} 格式（“{filename}”不符合）"
    if size > SAMPLE_MAX_BYTES:
        return f"示范文本：文件不能超过10 MB（“{filename}”为{size / 1024 / 1024:.1f} MB）"
    return None


def time_limit_display(days: int | None, unit_label: str, text: str) -> str:
    """What the portal shows: the explanatory text when given, else e.g. "20个工作日"."""
    if text:
        return text
    if days:
        return f"{days}个{unit_label or '工作日'}"
    return ""


def default_procedure(category: str) -> str:
    """The procedure (流程图) an item of ``category`` follows unless set otherwise (contracts: 许可→licensing,
    处罚→penalty_general, 检查→inspection, 强制/其他→none)."""
    return {LICENSING: "licensing", PENALTY: "penalty_general", INSPECTION: "inspection"}.get(category, "")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_item(data: dict[str, Any], *, for_publication: bool = False) -> list[str]:
    """Every problem of an item as Chinese messages naming the field and the rule; [] when fine.

    Drafts: 事项编码 format, 名称, 类别, 层级, 承办科室, a positive 办理时限, 重大 items with their 认定标准,
    complete child rows, 罚款下限 ≤ 上限.
    Before publication (``for_publication``) also: at least one 法律依据 (职权法定：执法事项应当公开执法依据，
    《云南省行政执法公示办法》, regulations.md §2.2; the import requires the column anyway); 行政处罚 items publish their 裁量基准 (《行政处罚法》第三十四条：
    行政处罚裁量基准应当向社会公布); 行政许可 items publish a 服务指南 with 条件、材料目录、期限、收费和救济渠道
    (《行政许可法》第三十条); 行政检查 items on the 随机抽查事项清单 state 检查方式 and 检查内容 (regulations.md §9).
    """
    errors: list[str] = []
    code = (data.get("code") or "").strip()
    if not code:
        errors.append("事项编码：不能为空")
    elif not CODE_PATTERN.match(code):
        errors.append(
            f"事项编码：“{code}”格式不正确，只能使用字母、数字和连字符（2–40个字符，如 YXSFJ-CF-001）"
        )
    name = (data.get("name") or "").strip()
    if not name:
        errors.append("事项名称：不能为空")
    elif len(name) > 200:
        errors.append("事项名称：不能超过200个字")
    category = data.get("category") or ""
    if category not in CATEGORY_LABELS:
        errors.append(f"事项类别：“{category}”无效，应为{'、'.join(CATEGORY_LABELS.values())}之一")
    if (data.get("level") or "") not in LEVEL_LABELS:
        errors.append(f"实施层级：“{data.get('level') or ''}”无效，应为市级或县级")
    if _blank(data.get("department")):
        errors.append("承办科室：不能为空")
    procedure = data.get("procedure") or ""
    if procedure and procedure not in PROCEDURES:
        errors.append(f"办理程序：“{procedure}”无效，应为{'、'.join(PROCEDURES.values())}之一")
    days = data.get("time_limit_days")
    if days is not None:
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            errors.append(f"办理时限：天数必须是正整数（当前为“{days}”）")
        elif days > 3650:
            errors.append(f"办理时限：{days}天超过十年，请核对")
        if (data.get("time_limit_unit") or "") not in UNIT_LABELS:
            errors.append("时限单位：应为工作日或自然日")
    bases = data.get("legal_bases") or []
    for i, b in enumerate(bases, 1):
        if _blank(b.get("law")):
            errors.append(f"法律依据第{i}条：法律法规名称不能为空")
        elif len(b["law"]) > 200:
            errors.append(f"法律依据第{i}条：法律法规名称不能超过200个字")
        if len(b.get("article") or "") > 100:
            errors.append(f"法律依据第{i}条：条款不能超过100个字")
    if data.get("is_major") and _blank(data.get("major_criteria")):
        errors.append(
            "重大执法决定认定标准：标为重大执法决定的事项必须写明认定标准（《云南省重大行政执法决定法制审核办法》）"
        )
    bands = data.get("discretion") or []
    for i, band in enumerate(bands, 1):
        errors += _band_errors(i, band)
    for i, duty in enumerate(data.get("av_duties") or [], 1):
        if _blank(duty.get("step")):
            errors.append(f"音像记录第{i}条：执法环节不能为空")
        if _blank(duty.get("requirement")):
            errors.append(f"音像记录第{i}条：记录要求不能为空")
    guide = data.get("guide")
    if guide:
        for i, m in enumerate(guide.get("materials") or [], 1):
            if _blank(m.get("name")):
                errors.append(f"申请材料第{i}项：材料名称不能为空")
            copies = m.get("copies")
            if copies is not None and (not isinstance(copies, int) or copies < 1):
                errors.append(f"申请材料第{i}项：份数必须是正整数")
    if for_publication:
        errors += publication_gaps(data)
    return errors


def _band_errors(i: int, band: dict[str, Any]) -> list[str]:
    errors = []
    if _blank(band.get("condition")):
        errors.append(f"裁量基准第{i}档：违法情形不能为空")
    if _blank(band.get("range_text")):
        errors.append(f"裁量基准第{i}档：处罚幅度不能为空")
    low, high = band.get("fine_min"), band.get("fine_max")
    for label, value in (("罚款下限", low), ("罚款上限", high)):
        if value is not None and value < 0:
            errors.append(f"裁量基准第{i}档：{label}不能为负数")
    if low is not None and high is not None and low > high:
        errors.append(f"裁量基准第{i}档：罚款下限（{low}元）不能高于上限（{high}元）")
    return errors


def publication_gaps(data: dict[str, Any]) -> list[str]:
    """What the law requires an item to show before it is published (see ``check_item``)."""
    errors = []
    category = data.get("category")
    if not data.get("legal_bases"):
        errors.append("法律依据：发布前至少填写一条（执法事项应当公开执法依据，《云南省行政执法公示办法》）")
    if category == PENALTY and not data.get("discretion"):
        errors.append(
            "裁量基准：行政处罚事项发布前必须制定裁量基准（《行政处罚法》第三十四条：裁量基准应当向社会公布）"
        )
    if category == LICENSING:
        guide = data.get("guide")
        if not guide:
            errors.append(
                "服务指南：行政许可事项发布前必须填写服务指南（《行政许可法》第三十条：公示条件、材料目录、示范文本、期限、收费）"
            )
        else:
            if _blank(guide.get("conditions")):
                errors.append("服务指南·申请条件：不能为空（《行政许可法》第三十条）")
            if _blank(guide.get("remedies")):
                errors.append("服务指南·救济渠道：不能为空（《云南省行政执法公示办法》：公开救济渠道）")
            if not guide.get("materials"):
                errors.append(
                    "服务指南·申请材料：至少列出一项材料（《行政许可法》第三十条：公示全部材料目录）"
                )
        if data.get("time_limit_days") is None and _blank(data.get("time_limit_text")):
            errors.append("办理时限：行政许可事项必须公示办理期限（《行政许可法》第三十条）")
    if category == INSPECTION and data.get("is_random_inspection"):
        if _blank(data.get("inspection_method")):
            errors.append("检查方式：列入随机抽查事项清单的检查事项必须写明检查方式（regulations.md §9）")
        if _blank(data.get("inspection_content")):
            errors.append("检查内容：列入随机抽查事项清单的检查事项必须写明检查内容（regulations.md §9）")
    return errors


def check_comment(comment: str, label: str = "退回意见") -> str | None:
    """A 退回/废止 reason must say something: at least 4 characters after trimming."""
    if len((comment or "").strip()) < MIN_COMMENT:
        return f"{label}：请写明理由（至少{MIN_COMMENT}个字）"
    return None


# ---------------------------------------------------------------------------------------------------- text cells
_LAW = re.compile(r"《[^》]+》(?:\s*[（(][^）)]*[）)])?")
_SEP = re.compile(r"[\n；;]+")
_FINE = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?元以上\s*(?:、)?\s*(\d+(?:\.\d+)?)\s*(万)?元以下")
_TIME = re.compile(r"^(\d+)\s*(?:个)?\s*(工作日|自然日|日|天)?$")
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "重大"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0", "×"}


def parse_legal_bases(text: str) -> list[dict[str, str]]:
    """``《律师法》第四条、第五十一条：条文`` lines → [{"law", "article", "text"}] (see ITEM_COLUMNS_DOC)."""
    bases: list[dict[str, str]] = []
    for line in _SEP.split(text or ""):
        line = line.strip()
        if not line:
            continue
        colon = re.search(r"[：:]", line)
        head, body = (line[: colon.start()], line[colon.end() :]) if colon else (line, "")
        head = head.strip()
        laws = list(_LAW.finditer(head))
        if not laws:
            # "律师法第四条" without 书名号: split at the first 第.
            pos = head.find("第")
            law, article = (head[:pos], head[pos:]) if pos > 0 else (head, "")
            bases.append({"law": law.strip(), "article": article.strip(" 、，,"), "text": body.strip()})
            continue
        for n, match in enumerate(laws):
            end = laws[n + 1].start() if n + 1 < len(laws) else len(head)
            article = head[match.end() : end].strip(" 、，,和及")
            bases.append({"law": match.group(0).strip(), "article": article, "text": ""})
        bases[-1]["text"] = body.strip()
    return bases


def format_legal_bases(bases: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{b['law']}{b.get('article') or ''}" + (f"：{b['text']}" if b.get("text") else "") for b in bases
    )


def parse_fine_range(text: str) -> tuple[Decimal | None, Decimal | None]:
    """ "处5000元以上1万元以下罚款" → (5000, 10000); (None, None) when no Arabic-digit range is written."""
    match = _FINE.search(text or "")
    if not match:
        return None, None
    low = Decimal(match.group(1)) * (10000 if match.group(2) else 1)
    high = Decimal(match.group(3)) * (10000 if match.group(4) else 1)
    return low, high


def parse_discretion(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    bands, errors = [], []
    for n, line in enumerate([x for x in (text or "").splitlines() if x.strip()], 1):
        parts = [p.strip() for p in re.split(r"[｜|]", line)]
        if len(parts) < 2 or len(parts) > 3:
            errors.append(f"裁量基准第{n}行：格式应为“违法情形｜处罚幅度｜说明”")
            continue
        low, high = parse_fine_range(parts[1])
        bands.append(
            {
                "condition": parts[0],
                "range_text": parts[1],
                "fine_min": low,
                "fine_max": high,
                "note": parts[2] if len(parts) == 3 else "",
            }
        )
    return bands, errors


def format_discretion(bands: list[dict[str, Any]]) -> str:
    return "\n".join(
        "｜".join([b["condition"], b["range_text"]] + ([b["note"]] if b.get("note") else [])) for b in bands
    )


def parse_av_duties(text: str) -> tuple[list[dict[str, str]], list[str]]:
    duties, errors = [], []
    for n, line in enumerate([x for x in (text or "").splitlines() if x.strip()], 1):
        parts = re.split(r"[：:]", line, maxsplit=1)
        if len(parts) != 2:
            errors.append(f"音像记录要求第{n}行：格式应为“执法环节：记录要求”")
            continue
        duties.append({"step": parts[0].strip(), "requirement": parts[1].strip()})
    return duties, errors


def format_av_duties(duties: list[dict[str, str]]) -> str:
    return "\n".join(f"{d['step']}：{d['requirement']}" for d in duties)


def parse_time_limit(text: str) -> tuple[int | None, str, str, str | None]:
    """ "20个工作日" → (20, "workday", "", None); "即时办结" → (None, "", "即时办结", None); "0个工作日" → error."""
    text = (text or "").strip()
    if not text:
        return None, "", "", None
    match = _TIME.match(text)
    if not match:
        if re.search(r"\d", text) is None or len(text) > 4:
            return None, "", text[:200], None
        return None, "", "", f"办理时限：“{text}”无法识别，应写作“20个工作日”“30个自然日”或文字说明"
    days = int(match.group(1))
    if days < 1:
        return None, "", "", f"办理时限：天数必须是正整数（当前为“{text}”）"
    unit = "calendar" if match.group(2) in ("自然日", "日", "天") else "workday"
    return days, unit, "", None


def parse_bool(text: Any, label: str) -> tuple[bool, str | None]:
    if isinstance(text, bool):
        return text, None
    value = str(text if text is not None else "").strip().lower()
    if value in TRUE_WORDS:
        return True, None
    if value in FALSE_WORDS:
        return False, None
    return False, f"{label}：应填“是”或“否”（当前为“{text}”）"


def _procedure_code(text: str, category: str) -> tuple[str, str | None]:
    text = (text or "").strip()
    if not text:
        return default_procedure(category), None
    if text in PROCEDURES:
        return text, None
    for code, label in PROCEDURES.items():
        if text == label:
            return code, None
    return "", f"办理程序：“{text}”无效，应为{'、'.join(PROCEDURES.values())}之一"


def parse_row(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """One row of the 附件2 template (text cells keyed by ITEM_COLUMNS fields) → item data and format errors."""

    def cell(name: str) -> str:
        value = row.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    errors: list[str] = []
    for field, header, required in ITEM_COLUMNS:
        if required and not cell(field):
            errors.append(f"{header}：不能为空")
    category_text = cell("category")
    category = CATEGORY_ALIASES.get(category_text, category_text and f"?{category_text}")
    if category_text and category not in CATEGORY_LABELS:
        errors.append(f"事项类别：“{category_text}”无效，应为{'、'.join(CATEGORY_LABELS.values())}之一")
    level_text = cell("level")
    level = {
        "市级": "city",
        "县级": "county",
        "市": "city",
        "县": "county",
        "city": "city",
        "county": "county",
    }.get(level_text, "")
    if level_text and not level:
        errors.append(f"实施层级：“{level_text}”无效，应为市级或县级")
    procedure, err = _procedure_code(cell("procedure"), category)
    if err:
        errors.append(err)
    days, unit, limit_text, err = parse_time_limit(cell("time_limit"))
    if err:
        errors.append(err)
    bands, errs = parse_discretion(cell("discretion"))
    errors += errs
    duties, errs = parse_av_duties(cell("av_duties"))
    errors += errs
    is_major, err = parse_bool(row.get("is_major"), "重大执法决定")
    if err:
        errors.append(err)
    is_random, err = parse_bool(row.get("is_random_inspection"), "列入随机抽查")
    if err:
        errors.append(err)
    data = {
        "code": cell("code"),
        "name": cell("name"),
        "category": category if category in CATEGORY_LABELS else "",
        "level": level,
        "department": cell("department"),
        "procedure": procedure,
        "time_limit_days": days,
        "time_limit_unit": unit or "workday",
        "time_limit_text": limit_text,
        "is_major": is_major,
        "major_criteria": cell("major_criteria"),
        "is_random_inspection": is_random,
        "inspection_sub_items": cell("inspection_sub_items"),
        "inspection_method": cell("inspection_method")[:200],
        "inspection_content": cell("inspection_content"),
        "inspection_note": cell("inspection_note"),
        "change_note": cell("change_note")[:300],
        "legal_bases": parse_legal_bases(cell("legal_bases")),
        "discretion": bands,
        "av_duties": duties,
        "guide": None,
    }
    return data, errors


def parse_and_validate(row: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``parse_row`` plus ``check_item`` on the parsed data, without repeating a problem already named."""
    parsed, errors = parse_row(row)
    named = {e.split("：")[0] for e in errors}
    for e in check_item(parsed):
        field = e.split("：")[0]
        if e in errors or (field in named and field in _ROW_FIELDS):
            continue
        errors.append(e)
    return parsed, errors


_ROW_FIELDS = {"事项编码", "事项名称", "事项类别", "实施层级", "承办科室", "法律依据", "办理时限"}


def validate_item(data: dict[str, Any]) -> list[str]:
    """Every problem of one 附件2 row (text cells keyed by ITEM_COLUMNS fields); [] when fine.

    The contract with the Excel import: cell-format problems plus ``check_item`` on the parsed data, each message
    naming the column. Whether the 承办科室 exists and the 编码 is free is checked by ``import_item_drafts``.
    """
    return parse_and_validate(data)[1]


def to_decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# ------------------------------------------------------------------------------------------------ review diff
_DIFF_FIELDS = [
    ("code", "事项编码"),
    ("name", "事项名称"),
    ("category", "事项类别"),
    ("level", "实施层级"),
    ("department", "承办科室"),
    ("procedure", "办理程序"),
    ("time_limit_days", "办理时限（天数）"),
    ("time_limit_unit", "时限单位"),
    ("time_limit_text", "办理时限（说明）"),
    ("is_major", "重大执法决定"),
    ("major_criteria", "重大执法决定认定标准"),
    ("is_random_inspection", "列入随机抽查"),
    ("inspection_sub_items", "检查子项"),
    ("inspection_method", "检查方式"),
    ("inspection_content", "检查内容"),
    ("inspection_note", "备注（抽查清单）"),
    ("change_note", "变更说明"),
]


def _show(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = {
        "category": CATEGORY_LABELS,
        "level": LEVEL_LABELS,
        "time_limit_unit": UNIT_LABELS,
        "procedure": PROCEDURES,
    }
    return str(labels.get(key, {}).get(value, value))


def _guide_text(guide: dict[str, Any] | None) -> str:
    if not guide:
        return ""
    lines = [
        f"申请条件：{guide.get('conditions', '')}",
        f"收费：{guide.get('fees', '')}",
        f"承诺时限：{guide.get('time_limit', '')}",
        f"救济渠道：{guide.get('remedies', '')}",
        f"办理窗口：{guide.get('window', '')}",
        f"咨询电话：{guide.get('phone', '')}",
    ]
    for m in guide.get("materials") or []:
        sample = (m.get("sample") or "").rsplit("/", 1)[-1]
        lines.append(
            f"材料：{m['name']}（{'必需' if m.get('required') else '非必需'}，{m.get('copies') or 1}份"
            + (f"，示范文本 {sample}" if sample else "")
            + "）"
        )
    return "\n".join(lines)


def diff_snapshots(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """What changed between the last published version and the submitted one: (label, before, after) rows.

    The 监督科 reviews changes, not whole records (seed 二(一)3: 审查汇总); with no published version every filled
    field is new.
    """
    old = old or {}
    rows: list[tuple[str, str, str]] = []
    for key, label in _DIFF_FIELDS:
        a, b = _show(key, old.get(key)), _show(key, new.get(key))
        if a != b:
            rows.append((label, a, b))
    lists = [
        ("legal_bases", "法律依据", format_legal_bases),
        ("discretion", "裁量基准", format_discretion),
        ("av_duties", "音像记录要求", format_av_duties),
    ]
    for key, label, fmt in lists:
        a, b = fmt(old.get(key) or []), fmt(new.get(key) or [])
        if a != b:
            rows.append((label, a, b))
    a, b = _guide_text(old.get("guide")), _guide_text(new.get("guide"))
    if a != b:
        rows.append(("服务指南", a, b))
    return rows
