"""行政执法统计年报 (issue #6 item 5; seed 二(一)7; regulations.md §5): the six tables computed from the case data.

Pure counting rules first (no database), then ``compute(agency_ids, year)``, which reads the case data with four
GROUP BY queries (decisions + 许可 intake in one pass, 检查 objects, 法制审核, 决定变更) and the manual entries, so
that it scales to a city's whole case history (bench/bench_annual.py: 1,000,000 cases < 1 s on PostgreSQL).

Counting rules (大同市文物局《行政执法数据统计说明》, regulations.md §5):

- 行政处罚：一个案件并处多种处罚的，计 1 宗，计入最重的处罚种类 (``heaviest_penalty``); 明确种类 + 其他 计入明确种类;
  the count includes decisions later 撤销 by 复议/诉讼 (they were made in the year).
- 罚没金额 is taken from the decision (罚款金额 + 没收违法所得/非法财物金额 as recorded by ``record_decision``); a
  没收 without a determinable amount adds nothing.
- 行政检查：一个检查对象、有完整检查记录的计 1 次 — each party (检查对象) of an inspection whose result was recorded in
  the year and whose 制作检查记录 step was completed. 无具体对象的巡查 (no party) or 无完整记录 does not count.
- 许可：准予的计许可数量，不予的计不予许可数量；撤销许可数量 from the recorded 撤销 (``DecisionChange``).
- 行政强制、行政征收、行政征用 are not handled by the platform: their figures are entered by hand and marked 手工填报.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

# --------------------------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Table:
    code: str
    label: str
    columns: tuple[tuple[str, str], ...]
    from_platform: bool  # computed from case data (True) or entered by hand only (False)

    @property
    def column_codes(self) -> list[str]:
        return [c for c, _label in self.columns]


# 行政处罚种类 from light to heavy (regulations.md §5, 大同市文物局统计说明：警告 < 通报批评 < 罚款 < 没收 < 暂扣 < 降级 <
# 限制经营 < 停产停业 < 关闭/限制从业 < 吊销 < 拘留; 《行政处罚法》第九条 lists the kinds). Each column collects the
# cases.rules.PENALTY_TYPES codes it stands for. "其他" (第九条第六项) is not in the order: it counts only alone.
PENALTY_ORDER: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("warning", "警告", frozenset({"warning"})),
    ("criticism", "通报批评", frozenset({"criticism"})),
    ("fine", "罚款", frozenset({"fine"})),
    ("confiscation", "没收违法所得、没收非法财物", frozenset({"confiscate_income", "confiscate_property"})),
    ("suspend_license", "暂扣许可证件", frozenset({"suspend_license"})),
    ("lower_qualification", "降低资质等级", frozenset({"lower_qualification"})),
    ("restrict_business", "限制开展生产经营活动", frozenset({"restrict_business"})),
    ("suspend_business", "责令停产停业", frozenset({"suspend_business"})),
    ("close", "责令关闭、限制从业", frozenset({"order_close", "restrict_practice"})),
    ("revoke_license", "吊销许可证件", frozenset({"revoke_license"})),
    ("detention", "行政拘留", frozenset({"detention"})),
)
PENALTY_OTHER = "other"
PENALTY_ORDER_SOURCE = (
    "大同市文物局行政执法数据统计说明（并处的计1宗，计入最重的处罚种类）；《行政处罚法》第九条"
)


def heaviest_penalty(types: Iterable[str]) -> str:
    """The column a (possibly combined, 并处) penalty counts in: the heaviest of its kinds, once.

    警告 < 通报批评 < 罚款 < 没收 < 暂扣 < 降级 < 限制经营 < 停产停业 < 关闭/限制从业 < 吊销 < 拘留 (PENALTY_ORDER,
    source PENALTY_ORDER_SOURCE); a 明确种类 plus 其他 counts in the 明确种类; only 其他 (or nothing) counts in 其他."""
    chosen = set(types or ())
    for column, _label, codes in reversed(PENALTY_ORDER):
        if chosen & codes:
            return column
    return PENALTY_OTHER


AMOUNT = "amount"

TABLES: dict[str, Table] = {
    t.code: t
    for t in (
        Table(
            "licensing",
            "行政许可",
            (
                ("applied", "申请数量"),
                ("accepted", "受理数量"),
                ("granted", "许可数量"),
                ("refused", "不予许可数量"),
                ("revoked", "撤销许可数量"),
            ),
            True,
        ),
        Table(
            "penalty",
            "行政处罚",
            (
                *((code, label) for code, label, _ in PENALTY_ORDER),
                (PENALTY_OTHER, "其他"),
                ("total", "合计（宗）"),
                (AMOUNT, "罚没金额（元）"),
            ),
            True,
        ),
        Table(
            "coercion",
            "行政强制",
            (
                ("seal", "查封场所设施财物"),
                ("seize", "扣押财物"),
                ("freeze", "冻结存款汇款"),
                ("measure_other", "其他强制措施"),
                ("surcharge", "加处罚款或者滞纳金"),
                ("transfer_funds", "划拨存款汇款"),
                ("auction", "拍卖或依法处理查封扣押物"),
                ("remove", "排除妨碍、恢复原状"),
                ("substitute", "代履行"),
                ("execution_other", "其他强制执行"),
                ("court", "申请法院强制执行"),
            ),
            False,
        ),
        Table("levy", "行政征收", (("count", "征收件数"), (AMOUNT, "征收金额（元）")), False),
        Table("requisition", "行政征用", (("count", "征用件数"),), False),
        Table(
            "inspection",
            "行政检查",
            (
                ("inspections", "行政检查次数"),
                ("problems", "发现问题责令改正"),
                ("to_penalty", "移送立案查处"),
            ),
            True,
        ),
    )
}

EXTENDED: tuple[tuple[str, str], ...] = (
    ("simple", "简易程序数量"),
    ("general", "一般程序数量"),
    ("reviewed", "法制审核数量"),
    ("corrected", "法制审核纠错数量"),
    ("transferred", "移送司法机关数量"),
    ("no_penalty", "不予处罚数量"),
    ("mitigated", "减轻处罚数量"),
    ("reconsideration", "复议纠错数量"),
    ("litigation", "诉讼纠错（败诉）数量"),
)
EXTENDED_CODES = [c for c, _ in EXTENDED]

NO_DUTY = "本单位无相关行政执法职责"
MANUAL_MARK = "手工填报"
MITIGATION_WORDS = "减轻处罚"


# --------------------------------------------------------------------------------------------- pure rules


def zero_values(table: str) -> dict[str, int | str]:
    return {c: ("0.00" if c == AMOUNT else 0) for c in TABLES[table].column_codes}


def money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    return Decimal(str(value))


def add_values(target: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Add ``values`` into ``target`` column by column (counts as int, 金额 as a 2-decimal string)."""
    for column, value in values.items():
        if column not in target:
            continue
        if column == AMOUNT:
            target[column] = f"{money(target[column]) + money(value):.2f}"
        else:
            target[column] = int(target[column]) + int(value or 0)


def clean_manual_values(table: str, values: Mapping[str, Any]) -> tuple[dict[str, int | str], list[str]]:
    """Validate a hand-entered row: known columns, whole non-negative counts, 金额 with at most 2 decimals."""
    spec = TABLES.get(table)
    if spec is None:
        return {}, [f"统计表：不支持“{table}”"]
    labels = dict(spec.columns)
    out: dict[str, int | str] = {}
    errors: list[str] = []
    for column, raw in values.items():
        if column not in labels:
            errors.append(f"{spec.label}：没有“{column}”这一列")
            continue
        if column in ("total",):
            continue  # 合计 is always computed
        text = str(raw if raw is not None else "").strip()
        if text == "":
            continue
        if column == AMOUNT:
            try:
                amount = Decimal(text)
            except ArithmeticError:
                errors.append(f"{labels[column]}：请填写金额（元），如 1200.50")
                continue
            if not amount.is_finite() or amount < 0 or amount.as_tuple().exponent < -2:  # type: ignore[operator]
                errors.append(f"{labels[column]}：请填写不小于0、最多两位小数的金额")
                continue
            out[column] = f"{amount:.2f}"
        else:
            if not text.isdigit():
                errors.append(f"{labels[column]}：请填写不小于0的整数")
                continue
            out[column] = int(text)
    if table == "penalty" and not errors:
        out["total"] = sum(int(v) for k, v in out.items() if k not in ("total", AMOUNT))
    return out, errors


def warning_level(today: date, published: bool) -> str | None:
    """The 工作台 warning for the previous year's report on ``today``: none once it is published; from 1月1日 yellow,
    after 1月31日 red (国办发〔2018〕118号：每年1月31日前公开上年度行政执法数据)."""
    if published:
        return None
    if today.month == 1:
        return "yellow"
    return "red"


# --------------------------------------------------------------------------------------------- compute


@dataclass
class _Row:
    agency_id: int
    label: str
    manual: bool = False
    note: str = ""


def _empty_tables() -> dict[str, dict[str, Any]]:
    return {
        code: {
            "label": t.label,
            "columns": [{"code": c, "label": label} for c, label in t.columns],
            "from_platform": t.from_platform,
            "rows": [],
            "total": zero_values(code),
            "manual": False,
            "statement": "",
        }
        for code, t in TABLES.items()
    }


def _case_rows(ids: list[int], start: date, end: date) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Two GROUP BY queries over the cases (the big table), by 科室:

    - decisions made in the year and 许可 applications/acceptances in the year, in one pass — rows: department_id,
      procedure, outcome, penalty_types (处罚 only), decided, fine, confiscation, mitigated, applied, accepted;
    - 检查对象 of inspections decided in the year with a completed 检查记录 — rows: department_id, outcome, objects."""
    from django.db import connection

    from cases.models import Case, CaseStep, Party

    q = connection.ops.quote_name
    case, party, step = q(Case._meta.db_table), q(Party._meta.db_table), q(CaseStep._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    decided = "(c.decided_on >= %s AND c.decided_on <= %s AND c.outcome <> '')"
    applied = (
        "(c.received_on >= %s AND c.received_on <= %s"
        " OR (c.received_on IS NULL AND c.filed_on >= %s AND c.filed_on <= %s))"
    )
    accepted = "(c.filed_on >= %s AND c.filed_on <= %s)"
    cases_sql = f"""
        SELECT c.department_id, c.procedure, c.outcome,
               CASE WHEN c.outcome = 'penalty' THEN c.penalty_types END AS types,
               COUNT(*) FILTER (WHERE {decided}),
               SUM(c.fine_amount) FILTER (WHERE {decided}),
               SUM(c.confiscation_amount) FILTER (WHERE {decided}),
               COUNT(*) FILTER (WHERE {decided} AND c.outcome = 'penalty' AND c.outcome_text LIKE %s),
               COUNT(*) FILTER (WHERE {applied}),
               COUNT(*) FILTER (WHERE {accepted})
          FROM {case} c
         WHERE c.agency_id IN ({marks})
           AND ({decided} OR (c.procedure = 'licensing' AND ({applied} OR {accepted})))
         GROUP BY c.department_id, c.procedure, c.outcome, CASE WHEN c.outcome = 'penalty' THEN c.penalty_types END
    """  # noqa: S608 - table names from _meta, values as parameters
    objects_sql = f"""
        SELECT c.department_id, c.outcome, COUNT(*)
          FROM {party} p JOIN {case} c ON c.id = p.case_id
         WHERE c.procedure = 'inspection' AND c.agency_id IN ({marks}) AND {decided}
           AND EXISTS (SELECT 1 FROM {step} s WHERE s.case_id = p.case_id AND s.step_id = 'record'
                          AND s.completed_on IS NOT NULL)
         GROUP BY c.department_id, c.outcome
    """  # noqa: S608
    d, a, ac = [start, end], [start, end, start, end], [start, end]
    params: list[Any] = [*d, *d, *d, *d, f"%{MITIGATION_WORDS}%", *a, *ac, *ids, *d, *a, *ac]
    with connection.cursor() as cursor:
        cursor.execute(cases_sql, params)
        rows = list(cursor.fetchall())
        cursor.execute(objects_sql, [*ids, *d])
        objects = list(cursor.fetchall())
    return rows, objects


def collect(agency_ids: list[int], year: int) -> dict[str, Any]:
    """The raw grouped figures of ``agency_ids`` for ``year`` (four GROUP BY queries), by 科室.

    ``compute`` turns them into tables; pass the result of one ``collect`` to several ``compute`` calls (the
    市司法局's own report and the city total) to read the data once."""
    from django.db.models import Count, Q

    from org.models import Department
    from publicity.models import DecisionChange
    from review.models import Opinion

    ids = sorted(set(agency_ids))
    start, end = date(year, 1, 1), date(year, 12, 31)
    reviews = list(
        Opinion.objects.filter(review__agency_id__in=ids, issued_on__gte=start, issued_on__lte=end)
        .values_list("review__agency_id", "review__case__department_id")
        .annotate(
            reviewed=Count("review_id", distinct=True),
            corrected=Count("review_id", distinct=True, filter=Q(conclusion="problem")),
        )
        .order_by()
    )
    changes = list(
        DecisionChange.objects.filter(agency_id__in=ids, occurred_on__gte=start, occurred_on__lte=end)
        .values_list("agency_id", "case__department_id", "case__procedure", "source", "change")
        .annotate(n=Count("id"))
        .order_by()
    )
    cases, objects = _case_rows(ids, start, end) if ids else ([], [])
    return {
        "ids": ids,
        "year": year,
        "cases": cases,
        "objects": objects,
        "reviews": reviews,
        "changes": changes,
        "dept_agency": dict(Department.objects.filter(agency_id__in=ids).values_list("id", "agency_id")),
    }


def compute(
    agency_ids: list[int], year: int, *, group: str | None = None, collected: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The annual statistics of ``agency_ids`` for ``year``: six tables with rows per 科室 (one agency) or per
    机关 (several, ``group="agency"``), totals, the extended columns and the manual entries (marked manual).
    ``collected``: the result of ``collect`` over (a superset of) ``agency_ids`` for ``year``."""
    import json

    from core.models import Agency
    from org.models import Department
    from publicity.models import ManualEntry

    ids = sorted(set(agency_ids))
    if collected is None or collected["year"] != year or not set(ids) <= set(collected["ids"]):
        collected = collect(ids, year)
    wanted = set(ids)
    by_agency = (group or ("department" if len(ids) == 1 else "agency")) == "agency"
    agencies = dict(Agency.objects.filter(id__in=ids).values_list("id", "name"))
    departments = dict(Department.objects.filter(agency_id__in=ids).values_list("id", "name"))
    dept_agency: dict[int, int] = collected["dept_agency"]

    # (table, agency_id, department_id) → values ; extended by (agency_id, department_id)
    cells: dict[tuple[str, int, int | None], dict[str, Any]] = {}
    ext: dict[tuple[int, int | None], dict[str, int]] = {}

    def cell(table: str, agency_id: int, dept_id: int | None) -> dict[str, Any]:
        key = (table, agency_id, None if by_agency else dept_id)
        if key not in cells:
            cells[key] = zero_values(table)
        return cells[key]

    def extended(agency_id: int, dept_id: int | None) -> dict[str, int]:
        key = (agency_id, None if by_agency else dept_id)
        if key not in ext:
            ext[key] = dict.fromkeys(EXTENDED_CODES, 0)
        return ext[key]

    # 1.–3. decisions (处罚、许可、检查结论), 许可 intake, 检查对象
    for (
        dept_id,
        procedure,
        outcome,
        types,
        n,
        fine,
        confiscation,
        mitigated,
        applied,
        accepted,
    ) in collected["cases"]:
        agency_id = dept_agency.get(dept_id)
        if agency_id not in wanted:
            continue
        assert agency_id is not None
        if procedure.startswith("penalty") and n:
            e = extended(agency_id, dept_id)
            e["simple" if procedure == "penalty_simple" else "general"] += n
            if outcome == "penalty":
                if isinstance(types, str):
                    types = json.loads(types)
                column = heaviest_penalty(types or [])
                add_values(
                    cell("penalty", agency_id, dept_id),
                    {column: n, "total": n, AMOUNT: money(fine) + money(confiscation)},
                )
                e["mitigated"] += mitigated
            elif outcome == "no_penalty":
                e["no_penalty"] += n
            elif outcome == "transfer":
                e["transferred"] += n
        elif procedure == "licensing":
            values = {"applied": applied, "accepted": accepted}
            if outcome == "grant":
                values["granted"] = n
            elif outcome == "refuse":
                values["refused"] = n
            if any(values.values()):
                add_values(cell("licensing", agency_id, dept_id), values)
    for dept_id, outcome, objects in collected["objects"]:
        agency_id = dept_agency.get(dept_id)
        if agency_id not in wanted:
            continue
        assert agency_id is not None
        values = {"inspections": objects}
        if outcome == "rectify":
            values["problems"] = objects
        elif outcome == "to_penalty":
            values["to_penalty"] = objects
        add_values(cell("inspection", agency_id, dept_id), values)

    # 4. 法制审核: reviews with an opinion issued in the year; 纠错 = an opinion finding problems
    for r_agency, r_dept, reviewed, corrected in collected["reviews"]:
        if r_agency in wanted:
            e = extended(r_agency, r_dept)
            e["reviewed"] += reviewed
            e["corrected"] += corrected

    # 5. 变更、撤销、确认违法、确认无效 in the year: 复议/诉讼 outcomes and 撤销许可
    for c_agency, c_dept, c_procedure, source, change, n_changes in collected["changes"]:
        if c_agency not in wanted:
            continue
        if source in ("reconsideration", "litigation"):
            extended(c_agency, c_dept)[source] += n_changes
        if c_procedure == "licensing" and change == "revoked":
            add_values(cell("licensing", c_agency, c_dept), {"revoked": n_changes})

    tables = _empty_tables()

    def label_of(agency_id: int, dept_id: int | None) -> str:
        if by_agency or dept_id is None:
            return agencies.get(agency_id, "")
        return departments.get(dept_id, "")

    for (table, a_id, d_id), values in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[0][1], label_of(kv[0][1], kv[0][2]))
    ):
        tables[table]["rows"].append(
            {
                "agency": agencies.get(a_id, ""),
                "department": label_of(a_id, d_id),
                "values": values,
                "manual": False,
                "note": "",
            }
        )
        add_values(tables[table]["total"], values)

    # manual entries (手工填报)
    for entry in ManualEntry.objects.filter(agency_id__in=ids, year=year).order_by(
        "agency_id", "table", "department"
    ):
        t = tables.get(entry.table)
        if t is None:
            continue
        values = zero_values(entry.table)
        add_values(values, entry.values or {})
        t["manual"] = True
        if not entry.values and NO_DUTY in entry.note:
            if len(ids) == 1:
                t["statement"] = NO_DUTY
            continue
        t["rows"].append(
            {
                "agency": agencies.get(entry.agency_id, ""),
                "department": entry.department or agencies.get(entry.agency_id, ""),
                "values": values,
                "manual": True,
                "note": entry.note or MANUAL_MARK,
            }
        )
        add_values(t["total"], values)
    for t in tables.values():
        if not t["rows"] and not t["statement"] and not t["from_platform"]:
            t["statement"] = "本平台不办理该类行政执法，数据须手工填报；未填报的按0计"

    ext_total = dict.fromkeys(EXTENDED_CODES, 0)
    ext_rows = []
    for (a_id, d_id), values in sorted(ext.items(), key=lambda kv: (kv[0][0], label_of(*kv[0]))):
        ext_rows.append(
            {
                "agency": agencies.get(a_id, ""),
                "department": label_of(a_id, d_id),
                "values": values,
            }
        )
        for k, v in values.items():
            ext_total[k] += v

    return {
        "year": year,
        "agencies": [{"id": i, "name": agencies.get(i, "")} for i in ids],
        "group": "agency" if by_agency else "department",
        "tables": tables,
        "extended": ext_total,
        "extended_columns": [{"code": c, "label": label} for c, label in EXTENDED],
        "extended_rows": ext_rows,
        "manual_tables": [code for code, t in tables.items() if t["manual"]],
        "penalty_order": [label for _c, label, _ in PENALTY_ORDER],
        "penalty_order_source": PENALTY_ORDER_SOURCE,
    }
