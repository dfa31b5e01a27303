"""Import of 许可 applications handled on the 政务服务平台 (issue #4 item 9; seed 二(二)1–2).

The platform is the system of record for these 办件: the import registers each one as a case (channel
``platform``, ``platform_reference`` = 办件编号) with the platform's own record (材料清单, 办理环节记录, result)
kept in the first CaseStep's ``data["platform"]``. The material files stay on the platform.

Layout (CSV: UTF-8, a BOM is tolerated, first line = the Chinese header below, column order free; JSON: a list
of objects with the same Chinese keys, or ``{"办件": [...]}``) — documented with a full example in
docs/online-and-dossier.md:

    办件编号, 事项编码, 申请人类型, 申请人名称, 证件号码, 联系电话, 地址, 申请日期, 受理日期, 办结日期, 办理结果,
    决定文号, 材料清单, 办理环节记录

What a row becomes (decided and documented):

- 办理中: an OPEN case at the procedure's start step (clocks from 申请日期 as for any application), 受理日期 as
  the 立案/受理 date; the agency continues it in this system.
- 准予 / 不予: a case ENDED on 办结日期 with the decision (准予行政许可 / 不予行政许可, 决定文号) and its clocks
  stopped; no 电子案卷 is made — the platform's record satisfies the text and AV duties (网上办理有系统信息数据
  记录的，可以不再进行纸质文字记录和音像记录).

All or nothing: every row is checked before anything is written; problems read “第N行 字段：问题” (N = the line in
the CSV file counting the header as line 1; for JSON, N = the position in the list starting at 1). A 办件编号
already imported (by this agency) is an error, not skipped: re-importing a file lists the duplicates and writes
nothing, so a partial second import can never happen silently.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseStep, Party
from catalog.models import Item
from core.errors import ValidationFailed

COLUMNS = [
    "办件编号",
    "事项编码",
    "申请人类型",
    "申请人名称",
    "证件号码",
    "联系电话",
    "地址",
    "申请日期",
    "受理日期",
    "办结日期",
    "办理结果",
    "决定文号",
    "材料清单",
    "办理环节记录",
]
REQUIRED = ["办件编号", "事项编码", "申请人类型", "申请人名称", "证件号码", "申请日期", "办理结果"]
KINDS = {"公民": Party.Kind.CITIZEN, "法人": Party.Kind.LEGAL_PERSON, "其他组织": Party.Kind.OTHER_ORG}
RESULTS = {"准予": "grant", "不予": "refuse", "办理中": ""}
MAX_ROWS = 5000
MAX_BYTES = 20 * 1024 * 1024
INLINE_ROWS = 200  # smaller files are imported at once, in the request; larger ones by the worker
TRACE_KEYS = ("环节", "时间", "办理人", "意见")

SAMPLE_ROWS: list[dict[str, Any]] = [
    {
        "办件编号": "5304002026110100001",
        "事项编码": "YXSFJ-XK-001",
        "申请人类型": "法人",
        "申请人名称": "云南玉溪某某律师事务所",
        "证件号码": "91530400MA6K5A1B2M",
        "联系电话": "0877-2000000",
        "地址": "玉溪市红塔区某某路1号",
        "申请日期": "2026-11-02",
        "受理日期": "2026-11-03",
        "办结日期": "2026-11-20",
        "办理结果": "准予",
        "决定文号": "玉司许〔2026〕12号",
        "材料清单": ["设立申请书", "律师事务所章程"],
        "办理环节记录": [
            {
                "环节": "受理",
                "时间": "2026-11-03 09:30",
                "办理人": "窗口受理人员",
                "意见": "材料齐全，予以受理",
            },
            {"环节": "审查", "时间": "2026-11-12 15:00", "办理人": "律师工作管理科", "意见": "符合条件"},
            {"环节": "决定", "时间": "2026-11-20 10:00", "办理人": "分管领导", "意见": "准予许可"},
        ],
    },
    {
        "办件编号": "5304002026111000002",
        "事项编码": "YXSFJ-XK-001",
        "申请人类型": "公民",
        "申请人名称": "李四",
        "证件号码": "11010519491231002X",
        "联系电话": "13800000000",
        "地址": "玉溪市红塔区某某街2号",
        "申请日期": "2026-11-10",
        "受理日期": "",
        "办结日期": "",
        "办理结果": "办理中",
        "决定文号": "",
        "材料清单": ["设立申请书"],
        "办理环节记录": [],
    },
]


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    item: Item | None = None
    kind: str = ""
    applied_on: date | None = None
    accepted_on: date | None = None
    finished_on: date | None = None
    outcome: str = ""
    materials: list[str] = field(default_factory=list)
    trace: list[dict[str, str]] = field(default_factory=list)


# --- parsing ------------------------------------------------------------------------------------------------


def parse(fileobj: Any, *, fmt: str) -> list[Row]:
    """Rows of a CSV or JSON file (file-level problems → ValidationFailed)."""
    raw = fileobj.read(MAX_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BYTES:
        raise ValidationFailed([f"文件：不能超过 {MAX_BYTES // 1024 // 1024} MB"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(["文件：应为 UTF-8 编码（Excel 另存为“CSV UTF-8”）"]) from exc
    rows = _parse_csv(text) if fmt == "csv" else _parse_json(text) if fmt == "json" else None
    if rows is None:
        raise ValidationFailed([f"文件格式：只支持 CSV 或 JSON（{fmt}）"])
    if not rows:
        raise ValidationFailed(["文件：没有任何办件"])
    if len(rows) > MAX_ROWS:
        raise ValidationFailed([f"文件：一次最多导入 {MAX_ROWS} 件（本文件 {len(rows)} 件），请分批导入"])
    return rows


def _parse_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems = []
    if missing:
        problems.append(f"第1行 表头：缺少列 {'、'.join(missing)}")
    if unknown:
        problems.append(f"第1行 表头：无法识别的列 {'、'.join(unknown)}（可用列：{'、'.join(COLUMNS)}）")
    if problems:
        raise ValidationFailed(problems)
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}
        rows.append(Row(line, values))
    return rows


def _parse_json(text: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            [f"文件：不是有效的 JSON（第{exc.lineno}行第{exc.colno}列：{exc.msg}）"]
        ) from exc
    if isinstance(data, dict):
        data = data.get("办件")
    if not isinstance(data, list):
        raise ValidationFailed(['文件：JSON 应为办件对象的数组，或 {"办件": [...]}'])
    rows = []
    for n, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            raise ValidationFailed([f"第{n}行 办件：应为对象"])
        unknown = [k for k in obj if k not in COLUMNS]
        if unknown:
            raise ValidationFailed([f"第{n}行 字段：无法识别 {'、'.join(unknown)}"])
        rows.append(Row(n, {k: v for k, v in obj.items()}))
    return rows


# --- checking -----------------------------------------------------------------------------------------------


def _text(row: Row, key: str) -> str:
    value = row.values.get(key)
    return "" if value is None else str(value).strip()


def _date(row: Row, key: str, errors: list[str]) -> date | None:
    value = _text(row, key)
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        errors.append(f"第{row.line}行 {key}：“{value}”不是有效日期，应为 2026-11-02")
        return None


def _list(row: Row, key: str, errors: list[str]) -> list[Any]:
    value = row.values.get(key)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if key == "材料清单":
        for sep in ("|", "；", ";", "、"):
            text = text.replace(sep, "\n")
        return [n.strip() for n in text.splitlines() if n.strip()]
    try:
        parsed = json.loads(text)
    except ValueError:
        errors.append(
            f'第{row.line}行 {key}：应为 JSON 数组，如 [{{"环节":"受理","时间":"2026-11-03 09:30"}}]'
        )
        return []
    if not isinstance(parsed, list):
        errors.append(f"第{row.line}行 {key}：应为 JSON 数组")
        return []
    return parsed


def check_rows(user: Any, rows: list[Row]) -> list[Row]:
    """Check every row against the layout, the agency's published 许可 items and what was imported before."""
    from cases import rules
    from cases.actions.online import APPLICANT_KINDS, online_items

    items = {i.code: i for i in online_items().filter(agency_id=user.agency_id)}
    today = timezone.localdate()
    errors: list[str] = []
    seen: dict[str, int] = {}
    references = [_text(r, "办件编号") for r in rows]
    imported = dict(
        Case.objects.filter(
            agency_id=user.agency_id, platform_reference__in=[r for r in references if r]
        ).values_list("platform_reference", "number")
    )
    for row in rows:
        n = row.line
        for key in REQUIRED:
            if not _text(row, key):
                errors.append(f"第{n}行 {key}：必填")
        reference = _text(row, "办件编号")
        if len(reference) > 40:
            errors.append(f"第{n}行 办件编号：最多40个字符")
        elif reference in seen:
            errors.append(f"第{n}行 办件编号：与第{seen[reference]}行重复")
        elif reference in imported:
            errors.append(
                f"第{n}行 办件编号：{reference} 已导入过（案件编号 {imported[reference]}），不能重复导入"
            )
        if reference:
            seen.setdefault(reference, n)
        code = _text(row, "事项编码")
        row.item = items.get(code)
        if code and row.item is None:
            errors.append(f"第{n}行 事项编码：{code} 不是本机关已发布并开通网上办理的行政许可事项")
        kind_label = _text(row, "申请人类型")
        row.kind = KINDS.get(kind_label, "")
        if kind_label and not row.kind:
            errors.append(f"第{n}行 申请人类型：应为 公民、法人 或 其他组织（“{kind_label}”）")
        name = _text(row, "申请人名称")
        if len(name) > 120:
            errors.append(f"第{n}行 申请人名称：最多120个字")
        number = rules.normal_identifier(_text(row, "证件号码"))
        if number and row.kind:
            problem = rules.identifier_problem(APPLICANT_KINDS[row.kind], number, "证件号码")
            if problem:
                errors.append(f"第{n}行 {problem}")
        phone = _text(row, "联系电话")
        if phone and not rules.phone_ok(phone):
            errors.append(f"第{n}行 联系电话：只能包含数字、空格、+、-、括号，5至30个字符")
        if len(_text(row, "地址")) > 300:
            errors.append(f"第{n}行 地址：最多300个字")
        row.applied_on = _date(row, "申请日期", errors)
        row.accepted_on = _date(row, "受理日期", errors)
        row.finished_on = _date(row, "办结日期", errors)
        result = _text(row, "办理结果")
        if result and result not in RESULTS:
            errors.append(f"第{n}行 办理结果：应为 准予、不予 或 办理中（“{result}”）")
        row.outcome = RESULTS.get(result, "")
        if result in ("准予", "不予"):
            if row.finished_on is None and not _text(row, "办结日期"):
                errors.append(f"第{n}行 办结日期：办理结果为“{result}”时必填")
            if not _text(row, "决定文号"):
                errors.append(f"第{n}行 决定文号：办理结果为“{result}”时必填")
        elif result == "办理中" and _text(row, "办结日期"):
            errors.append(f"第{n}行 办结日期：办理中的办件不应有办结日期")
        if len(_text(row, "决定文号")) > 60:
            errors.append(f"第{n}行 决定文号：最多60个字符")
        dates = [
            ("申请日期", row.applied_on),
            ("受理日期", row.accepted_on),
            ("办结日期", row.finished_on),
        ]
        for label, value in dates:
            if value and value > today:
                errors.append(f"第{n}行 {label}：不能晚于今天 {today:%Y-%m-%d}")
        known = [(label, value) for label, value in dates if value]
        for (label_a, a), (label_b, b) in itertools.pairwise(known):
            if a and b and b < a:
                errors.append(f"第{n}行 {label_b}：不能早于{label_a} {a:%Y-%m-%d}")
        row.materials = [str(m).strip()[:200] for m in _list(row, "材料清单", errors) if str(m).strip()]
        trace = _list(row, "办理环节记录", errors)
        for i, entry in enumerate(trace, 1):
            if not isinstance(entry, dict) or not str(entry.get("环节", "")).strip():
                errors.append(f"第{n}行 办理环节记录：第{i}项应为含“环节”的对象")
                break
        else:
            row.trace = [{k: str(e.get(k, ""))[:300] for k in TRACE_KEYS} for e in trace]
    if errors:
        raise ValidationFailed(errors)
    return rows


# --- writing ------------------------------------------------------------------------------------------------


def write_rows(user: Any, rows: list[Row], *, progress: Callable[[int], None] | None = None) -> list[Case]:
    """Register the checked rows in one transaction (all or nothing)."""
    from audit.chain import record
    from cases.actions.case import open_case
    from catalog.process import get as get_process

    report = progress or (lambda n: None)
    process = get_process("licensing")
    end_ids = [s.id for s in process.end_steps]
    archive = process.step("archive") if "archive" in end_ids else process.end_steps[-1]
    cases: list[Case] = []
    with transaction.atomic():
        for done, row in enumerate(rows, 1):
            assert row.item is not None and row.applied_on is not None
            reference = _text(row, "办件编号")
            name = _text(row, "申请人名称")
            case = open_case(
                user,
                item=row.item,
                procedure="licensing",
                title=f"{row.item.name}申请（{name}）"[:200],
                parties=[
                    {
                        "kind": row.kind,
                        "name": name,
                        "id_type": "居民身份证" if row.kind == Party.Kind.CITIZEN else "统一社会信用代码",
                        "id_number": _text(row, "证件号码"),
                        "phone": _text(row, "联系电话"),
                        "address": _text(row, "地址"),
                    }
                ],
                source="政务服务平台",
                on=row.applied_on,
                channel=Case.Channel.PLATFORM,
                received_on=row.applied_on,
                application_number=reference,
                platform_reference=reference,
            )
            first = CaseStep.objects.filter(case=case).order_by("seq").first()
            assert first is not None
            first.data = {
                **first.data,
                "platform": {
                    "办件编号": reference,
                    "办理结果": _text(row, "办理结果"),
                    "决定文号": _text(row, "决定文号"),
                    "受理日期": row.accepted_on.isoformat() if row.accepted_on else "",
                    "办结日期": row.finished_on.isoformat() if row.finished_on else "",
                    "材料清单": row.materials,
                    "办理环节记录": row.trace,
                },
            }
            first.save(update_fields=["data"])
            fields = ["filed_on"]
            case.filed_on = row.accepted_on
            if row.outcome and row.finished_on:
                _finish(user, case, first, row, archive)
                fields += ["status", "outcome", "outcome_text", "decided_on", "closed_on"]
                fields += ["current_step", "current_step_name"]
            case.save(update_fields=[*fields, "updated_at"])
            record(
                "case.platform_import",
                actor=user,
                agency_id=case.agency_id,
                obj=case,
                payload={"reference": reference, "result": row.outcome or "pending", "line": row.line},
            )
            cases.append(case)
            report(done)
    return cases


def _finish(user: Any, case: Case, first: CaseStep, row: Row, archive: Any) -> None:
    """A 办件 the platform finished: stop the clocks, record the decision, and end the case at the 归档 step (a
    CaseStep row on 办结日期), without a dossier — the platform's record is the record (seed 二(二)1–2)."""
    from cases.actions.clocks import stop_all

    assert row.finished_on is not None
    day = row.finished_on
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    stop_all(case, on=day, actor=user)
    label = "政务服务平台办结：" + ("准予行政许可" if row.outcome == "grant" else "不予行政许可")
    first.completed_at = moment
    first.completed_on = day
    first.completed_by = user
    first.transition_to = archive.id
    first.transition_label = label
    first.save(
        update_fields=["completed_at", "completed_on", "completed_by", "transition_to", "transition_label"]
    )
    CaseStep.objects.create(
        case=case,
        seq=first.seq + 1,
        step_id=archive.id,
        name=archive.name,
        entered_at=moment,
        entered_on=day,
        completed_at=moment,
        completed_on=day,
        completed_by=user,
        note=label,
    )
    case.status = Case.Status.ENDED
    case.outcome = row.outcome
    case.outcome_text = f"政务服务平台办结，决定文号：{_text(row, '决定文号')}"
    case.decided_on = day
    case.closed_on = day
    case.current_step = archive.id
    case.current_step_name = archive.name


# --- sample files -------------------------------------------------------------------------------------------


def sample_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in SAMPLE_ROWS:
        writer.writerow(
            [
                "|".join(row[c])
                if c == "材料清单"
                else json.dumps(row[c], ensure_ascii=False)
                if c == "办理环节记录"
                else row[c]
                for c in COLUMNS
            ]
        )
    return "\ufeff" + out.getvalue()


def sample_json() -> str:
    return json.dumps(SAMPLE_ROWS, ensure_ascii=False, indent=2)
