"""Excel import and export of the 事项清单 in the layout of the 附件2 template (seed 二(一)3: 各执法科室梳理事项清单
报局行政执法协调监督科统一审查汇总后进行公示，模板见附件2).

Layout, shared by the template (openpyxl, styled), the export (XlsxWriter, constant memory) and the import
(python-calamine): sheet “事项清单” with a title in row 1, the headers of ``catalog.rules.ITEM_COLUMNS`` in row 2 and
one item per row from row 3; a sheet “填写说明” explaining every column with a sample row; a hidden sheet “选项”
feeding the drop-downs (类别、层级、科室、办理程序、是/否). An export can therefore be edited and imported again.

Reading is lenient about layout (the header row is looked for in the first rows; extra columns such as 序号 are
ignored; blank rows are skipped) and strict about content: cells become text as the user sees them (numbers
without “.0”, dates as YYYY-MM-DD) and each row carries ``_row``, its row number in Excel. Every row is then checked
by ``catalog.actions.import_item_drafts`` (``catalog.rules.validate_item`` plus the database checks) and every problem
is reported as “第N行 字段名：问题”; one bad row and nothing is imported (all rows are written in one transaction).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from catalog.process import PROCEDURES
from catalog.rules import (
    CATEGORY_LABELS,
    ITEM_COLUMNS,
    ITEM_COLUMNS_HELP,
    LEVEL_LABELS,
    UNIT_LABELS,
    format_av_duties,
    format_discretion,
    format_legal_bases,
    time_limit_display,
)

DATA_SHEET = "事项清单"
HELP_SHEET = "填写说明"
LISTS_SHEET = "选项"
HEADER_ROW = 2  # 1-based, as Excel shows it
FIRST_DATA_ROW = 3
HEADER_SEARCH_ROWS = 10
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
# Drop-downs and formats reach this far down the template (Excel's own limit is far larger).
VALIDATION_ROWS = 20_000
INLINE_ROWS = 500  # smaller files are imported during the request (same code path as the background task)
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = {".xlsx": XLSX_MAGIC, ".xls": XLS_MAGIC}
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIELDS = [f for f, _h, _r in ITEM_COLUMNS]
HEADERS = {f: h for f, h, _r in ITEM_COLUMNS}
REQUIRED = {f for f, _h, r in ITEM_COLUMNS if r}
YES_NO = ["是", "否"]
BOOL_FIELDS = {"is_major", "is_random_inspection"}

WIDTHS = {
    "code": 18,
    "name": 40,
    "category": 12,
    "level": 10,
    "department": 20,
    "legal_bases": 60,
    "procedure": 22,
    "time_limit": 14,
    "discretion": 60,
    "is_major": 12,
    "major_criteria": 36,
    "av_duties": 40,
    "is_random_inspection": 12,
    "inspection_sub_items": 24,
    "inspection_method": 18,
    "inspection_content": 36,
    "inspection_note": 20,
    "change_note": 24,
}
MULTILINE = {
    "legal_bases",
    "discretion",
    "av_duties",
    "major_criteria",
    "inspection_sub_items",
    "inspection_content",
}

# What the 填写说明 sheet says about each column, beyond rules.ITEM_COLUMNS_HELP.
EXTRA_HELP = {
    "name": "事项的规范名称，不超过200字，如：对律师事务所从事法律服务的行政处罚",
    "major_criteria": "标为重大执法决定的事项必填，写明认定标准，如：拟吊销执业证书、较大数额罚款",
    "inspection_sub_items": "行政检查事项可填，随机抽查事项清单的“检查子项”",
    "inspection_method": "如：双随机抽查、现场检查、书面检查",
    "inspection_content": "随机抽查事项清单的“检查内容”",
    "inspection_note": "随机抽查事项清单的“备注”",
    "change_note": "本次新增或修改的原因，审核时参考",
}
FORMAT_NOTES = [
    ("一个单元格写多条", "在单元格内按 Alt+Enter（WPS 同）换行，每行写一条；法律依据也可用“；”分隔。"),
    (
        "法律依据",
        "每行一条：《法律名称》第N条：条文内容。例：《中华人民共和国律师法》第五十五条：没有取得律师执业证书的人员以律师名义从事法律服务业务的……"
        "同一部法律的几条可写在一行：《律师法》第四条、第五十一条。条文内容可以省略。",
    ),
    (
        "裁量基准",
        "每行一档：违法情形｜处罚幅度｜说明（说明可省略，竖线可用全角“｜”或半角“|”）。"
        "例：初次违法且危害后果轻微｜警告｜。用阿拉伯数字写明的罚款幅度（如“处5000元以上1万元以下罚款”）会自动识别上下限。"
        "行政处罚事项发布前必须制定裁量基准（《行政处罚法》第三十四条）。",
    ),
    (
        "音像记录要求",
        "每行一条：执法环节：记录要求。例：现场检查：全过程音像记录（《云南省行政执法全过程记录办法》）。",
    ),
    ("办理时限", "写作“20个工作日”“30个自然日”，只写数字按工作日计；也可写文字说明，如“即时办结”。"),
    ("是/否", "“重大执法决定”“列入随机抽查”填“是”或“否”，留空视为“否”。"),
    (
        "导入规则",
        "第1行为标题，第2行为表头（请勿修改表头文字），从第3行起每行一个事项。系统逐行检查，任何一行有误都不会导入，"
        "并列出“第N行 字段名：问题”。同一机关已有相同事项编码的，导入后更新该事项的草稿。文件不超过20 MB、"
        f"{MAX_ROWS}行。",
    ),
]


def _sample_row(agency_name: str, department: str) -> dict[str, str]:
    return {
        "code": "YXSFJ-CF-001",
        "name": "对没有取得律师执业证书的人员以律师名义从事法律服务业务的行政处罚",
        "category": "行政处罚",
        "level": "市级",
        "department": department or "律师工作管理科",
        "legal_bases": "《中华人民共和国律师法》第五十五条：没有取得律师执业证书的人员以律师名义从事法律服务业务的，"
        "由所在地的县级以上地方人民政府司法行政部门责令停止非法执业，没收违法所得，处违法所得一倍以上五倍以下的罚款。",
        "procedure": PROCEDURES.get("penalty_general", ""),
        "time_limit": "90个自然日",
        "discretion": "初次违法，违法所得较少，及时改正｜没收违法所得，处违法所得一倍以上二倍以下罚款｜\n"
        "多次违法或造成较大社会影响｜没收违法所得，处违法所得三倍以上五倍以下罚款｜",
        "is_major": "是",
        "major_criteria": "拟处较大数额罚款的",
        "av_duties": "调查取证：全过程音像记录\n听证：全过程音像记录",
        "is_random_inspection": "否",
        "inspection_sub_items": "",
        "inspection_method": "",
        "inspection_content": "",
        "inspection_note": "",
        "change_note": f"{agency_name}新增事项（示例，请勿照抄）",
    }


def title_text(agency_name: str) -> str:
    return f"附件2　{agency_name}行政执法事项清单".strip()


def choice_lists(departments: list[str]) -> dict[str, list[str]]:
    """The drop-down values per field (the hidden “选项” sheet, one column each)."""
    return {
        "category": list(CATEGORY_LABELS.values()),
        "level": list(LEVEL_LABELS.values()),
        "department": departments or ["（请先在机构管理中维护科室）"],
        "procedure": list(PROCEDURES.values()),
        "is_major": YES_NO,
        "is_random_inspection": YES_NO,
    }


def _col_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _list_ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    """field → absolute range on the 选项 sheet, e.g. ``'选项'!$A$2:$A$6``."""
    ranges = {}
    for i, (name, values) in enumerate(lists.items()):
        col = _col_letter(i)
        ranges[name] = f"'{LISTS_SHEET}'!${col}$2:${col}${len(values) + 1}"
    return ranges


# --------------------------------------------------------------------------------------------- template


def build_template(agency_name: str, departments: list[str]) -> bytes:
    """The 附件2 template for one agency: styled header, widths, drop-downs, 填写说明 with a sample row."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    last = _col_letter(len(FIELDS) - 1)

    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = title_text(agency_name)
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.row_dimensions[HEADER_ROW].height = 32
    for i, name in enumerate(FIELDS):
        cell = ws.cell(row=HEADER_ROW, column=i + 1, value=HEADERS[name])
        cell.font = Font(name="宋体", bold=True, color="C00000" if name in REQUIRED else "000000")
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        help_text = column_help(name)
        if help_text:
            cell.comment = Comment(("必填。" if name in REQUIRED else "") + help_text, "三项平台")
        ws.column_dimensions[_col_letter(i)].width = WIDTHS.get(name, 16)
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    for i, name in enumerate(FIELDS):
        if name in MULTILINE:
            # Wrapping for the multi-line cells, so that Alt+Enter lines show as lines.
            ws.column_dimensions[_col_letter(i)].alignment = Alignment(wrap_text=True, vertical="top")

    lists = choice_lists(departments)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    for i, (name, values) in enumerate(lists.items()):
        lists_ws.cell(row=1, column=i + 1, value=HEADERS.get(name, name))
        for r, value in enumerate(values, 2):
            lists_ws.cell(row=r, column=i + 1, value=value)
    lists_ws.sheet_state = "hidden"
    for name, ref in _list_ranges(lists).items():
        if name not in FIELDS:
            continue
        col = _col_letter(FIELDS.index(name))
        dv = DataValidation(
            type="list",
            formula1=f"={ref}",
            allow_blank=name not in REQUIRED,
            showErrorMessage=name not in ("department",),
            errorTitle="请从下拉列表中选择",
            error=f"{HEADERS[name]}：请从下拉列表中选择",
            promptTitle=HEADERS[name],
            prompt=(column_help(name) or "")[:250],
            showInputMessage=True,
        )
        dv.add(f"{col}{FIRST_DATA_ROW}:{col}{VALIDATION_ROWS}")
        ws.add_data_validation(dv)

    _help_sheet_openpyxl(wb, agency_name, departments)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def column_help(name: str) -> str:
    return ITEM_COLUMNS_HELP.get(name) or EXTRA_HELP.get(name, "")


def help_rows() -> list[tuple[str, str, str]]:
    """(列名, 必填, 填写要求) for every column, in template order."""
    return [(HEADERS[f], "必填" if f in REQUIRED else "选填", column_help(f)) for f in FIELDS]


def _help_sheet_openpyxl(wb: Any, agency_name: str, departments: list[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(HELP_SHEET, 1)
    bold = Font(name="宋体", bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="DCE6F1")
    ws["A1"] = f"{title_text(agency_name)}　填写说明"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws.append([])
    ws.append(["列名", "是否必填", "填写要求"])
    for cell in ws[3]:
        cell.font, cell.fill = bold, fill
    for row in help_rows():
        ws.append(list(row))
    ws.append([])
    ws.append(["格式说明"])
    ws.cell(row=ws.max_row, column=1).font = bold
    for topic, text in FORMAT_NOTES:
        ws.append([topic, "", text])
    ws.append([])
    ws.append(["示例（请在“事项清单”工作表中填写，本行不会被导入）"])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.append([HEADERS[f] for f in FIELDS])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = bold, fill
    sample = _sample_row(agency_name, departments[0] if departments else "")
    ws.append([sample.get(f, "") for f in FIELDS])
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 90
    for i in range(3, len(FIELDS)):
        ws.column_dimensions[_col_letter(i)].width = WIDTHS.get(FIELDS[i], 16)


# --------------------------------------------------------------------------------------------- export


_ITEM_VALUES = (
    "id",
    "code",
    "name",
    "category",
    "level",
    "department__name",
    "procedure",
    "time_limit_days",
    "time_limit_unit",
    "time_limit_text",
    "is_major",
    "major_criteria",
    "is_random_inspection",
    "inspection_sub_items",
    "inspection_method",
    "inspection_content",
    "inspection_note",
    "change_note",
)
EXPORT_CHUNK = 2000


def export_rows(agency_id: int) -> Iterator[dict[str, str]]:
    """The agency's items (not abolished, by 编码) as the text cells of the template, chunk by chunk.

    Plain value queries (one for the items and one per kind of child row per chunk of 2,000): building model
    instances with prefetching cost ~0.8 ms per item, too slow for a 10,000-item export.
    """
    from catalog.models import AvDuty, DiscretionBand, Item, LegalBasis

    items = (
        Item.objects.filter(agency_id=agency_id, is_abolished=False)
        .order_by("code")
        .values_list(*_ITEM_VALUES)
    )
    chunk: list[tuple[Any, ...]] = []
    for values in items.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(values)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(chunk, LegalBasis, DiscretionBand, AvDuty)
            chunk = []
    if chunk:
        yield from _export_chunk(chunk, LegalBasis, DiscretionBand, AvDuty)


def _children(model: Any, ids: list[int], fields: tuple[str, ...]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in (
        model.objects.filter(item_id__in=ids).order_by("item_id", "order", "id").values("item_id", *fields)
    ):
        grouped.setdefault(row.pop("item_id"), []).append(row)
    return grouped


def _export_chunk(
    chunk: list[tuple[Any, ...]], legal: Any, bands: Any, duties: Any
) -> Iterator[dict[str, str]]:
    ids = [values[0] for values in chunk]
    bases_of = _children(legal, ids, ("law", "article", "text"))
    bands_of = _children(bands, ids, ("condition", "range_text", "note"))
    duties_of = _children(duties, ids, ("step", "requirement"))
    for values in chunk:
        v = dict(zip(_ITEM_VALUES, values, strict=True))
        pk = v["id"]
        yield {
            "code": v["code"],
            "name": v["name"],
            "category": CATEGORY_LABELS.get(v["category"], v["category"]),
            "level": LEVEL_LABELS.get(v["level"], v["level"]),
            "department": v["department__name"],
            "legal_bases": format_legal_bases(bases_of.get(pk, [])),
            "procedure": PROCEDURES.get(v["procedure"], ""),
            "time_limit": time_limit_display(
                v["time_limit_days"], UNIT_LABELS.get(v["time_limit_unit"], ""), v["time_limit_text"]
            ),
            "discretion": format_discretion(bands_of.get(pk, [])),
            "is_major": "是" if v["is_major"] else "否",
            "major_criteria": v["major_criteria"],
            "av_duties": format_av_duties(duties_of.get(pk, [])),
            "is_random_inspection": "是" if v["is_random_inspection"] else "否",
            "inspection_sub_items": v["inspection_sub_items"],
            "inspection_method": v["inspection_method"],
            "inspection_content": v["inspection_content"],
            "inspection_note": v["inspection_note"],
            "change_note": v["change_note"],
        }


def write_export(
    target: str | IO[bytes], agency_name: str, departments: list[str], rows: Iterable[dict[str, str]]
) -> int:
    """Write the items in the template layout with XlsxWriter in constant-memory mode; returns the row count.

    Rows are written strictly in order (constant memory keeps only the current row), so the title, the header,
    then the data; drop-downs, widths and the 填写说明 sheet make the file importable as it is.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    title = wb.add_format(
        {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    header = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DCE6F1",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
        }
    )
    header_required = wb.add_format(
        {
            "bold": True,
            "bg_color": "#DCE6F1",
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "font_color": "#C00000",
        }
    )
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    plain = wb.add_format({"valign": "top"})
    ws = wb.add_worksheet(DATA_SHEET)
    for i, name in enumerate(FIELDS):
        ws.set_column(i, i, WIDTHS.get(name, 16), wrap if name in MULTILINE else plain)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, len(FIELDS) - 1, title_text(agency_name), title)
    ws.set_row(1, 32)
    for i, name in enumerate(FIELDS):
        ws.write_string(1, i, HEADERS[name], header_required if name in REQUIRED else header)
    ws.freeze_panes(FIRST_DATA_ROW - 1, 2)
    count = 0
    for count, row in enumerate(rows, 1):
        r = FIRST_DATA_ROW - 2 + count
        for i, name in enumerate(FIELDS):
            value = row.get(name) or ""
            if value:
                ws.write_string(r, i, value)
    lists = choice_lists(departments)
    last_row = max(VALIDATION_ROWS, FIRST_DATA_ROW + count)
    for name, ref in _list_ranges(lists).items():
        if name not in FIELDS:
            continue
        col = FIELDS.index(name)
        ws.data_validation(
            FIRST_DATA_ROW - 1,
            col,
            last_row - 1,
            col,
            {
                "validate": "list",
                "source": f"={ref}",
                "ignore_blank": name not in REQUIRED,
                "show_error": name != "department",
                "error_title": "请从下拉列表中选择",
                "error_message": f"{HEADERS[name]}：请从下拉列表中选择",
            },
        )
    help_ws = wb.add_worksheet(HELP_SHEET)
    bold = wb.add_format({"bold": True})
    help_ws.set_column(0, 0, 22)
    help_ws.set_column(1, 1, 12)
    help_ws.set_column(2, 2, 90, wrap)
    help_ws.write_string(0, 0, f"{title_text(agency_name)}　填写说明", bold)
    help_ws.write_row(2, 0, ["列名", "是否必填", "填写要求"], header)
    r = 3
    for line in help_rows():
        help_ws.write_row(r, 0, list(line))
        r += 1
    r += 1
    help_ws.write_string(r, 0, "格式说明", bold)
    for topic, text in FORMAT_NOTES:
        r += 1
        help_ws.write_row(r, 0, [topic, "", text])
    lists_ws = wb.add_worksheet(LISTS_SHEET)
    for i, (name, values) in enumerate(lists.items()):
        lists_ws.write_column(0, i, [HEADERS.get(name, name), *values])
    lists_ws.hide()
    wb.close()
    return count


def export_to_tempfile(
    agency_name: str, departments: list[str], rows: Iterable[dict[str, str]]
) -> tuple[str, int]:
    """Write the export to a temporary file (the caller streams and removes it); (path, rows)."""
    fd, path = tempfile.mkstemp(prefix="sanxiang-export-", suffix=".xlsx")
    os.close(fd)
    try:
        count = write_export(path, agency_name, departments, rows)
    except BaseException:
        os.unlink(path)
        raise
    return path, count


# --------------------------------------------------------------------------------------------- import


@dataclass
class Sheet:
    """What was read from an upload: rows of text cells keyed by field (each with ``_row``) and file-level errors."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def upload_error(filename: str, size: int, head: bytes) -> str | None:
    """Why an uploaded file is refused before it is read, or None."""
    ext = os.path.splitext(filename or "")[1].lower()
    if ext not in EXTENSIONS:
        return f"文件：“{filename}”不是 Excel 文件，请上传 .xlsx 或 .xls 格式（可先下载附件2模板填写）"
    if size == 0:
        return "文件：上传的文件是空的"
    if size > MAX_UPLOAD_BYTES:
        return f"文件：大小为 {size / 1024 / 1024:.1f} MB，超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB 的上限，请分批导入"
    if not head.startswith(EXTENSIONS[ext]):
        return f"文件：“{filename}”的内容不是有效的 Excel 文件（扩展名与内容不符），请用 Excel 或 WPS 另存为 .xlsx 后上传"
    return None


def cell_text(value: Any) -> str:
    """A calamine cell as the text the user sees: numbers without “.0”, dates as YYYY-MM-DD, booleans 是/否."""
    if type(value) is str:  # the common case first: most cells are text
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _normalise_header(text: str) -> str:
    return "".join(str(text).split()).lstrip("*＊").rstrip("*＊")


def _find_header(rows: list[list[str]]) -> tuple[int, dict[int, str]] | None:
    """(index of the header row, column index → field) among the first rows, or None."""
    by_header = {h: f for f, h in HEADERS.items()}
    best: tuple[int, dict[int, str]] | None = None
    for r, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[int, str] = {}
        for c, text in enumerate(cells):
            name = by_header.get(_normalise_header(text))
            if name and name not in mapping.values():
                mapping[c] = name
        if len(mapping) >= 2 and (best is None or len(mapping) > len(best[1])):
            best = (r, mapping)
    return best


def _open(source: str | bytes | IO[bytes]) -> Any:
    from python_calamine import CalamineWorkbook

    if isinstance(source, str):
        return CalamineWorkbook.from_path(source)
    if isinstance(source, bytes):
        return CalamineWorkbook.from_filelike(io.BytesIO(source))
    return CalamineWorkbook.from_filelike(source)


def read_rows(source: str | bytes | IO[bytes]) -> Sheet:
    """Read the 事项清单 sheet (or the first visible sheet) of an upload into rows of text cells.

    File-level problems (unreadable file, no header row, missing required columns, too many rows) go to
    ``Sheet.errors`` and no rows are returned.
    """
    sheet = Sheet()
    try:
        wb = _open(source)
        from python_calamine import SheetVisibleEnum

        names = [m.name for m in wb.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
        name = DATA_SHEET if DATA_SHEET in wb.sheet_names else (names[0] if names else wb.sheet_names[0])
        raw = wb.get_sheet_by_name(name).iter_rows()
        head = []
        for cells in raw:
            head.append([cell_text(v) for v in cells])
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except Exception as exc:  # calamine raises its own types for zip/xml/password problems
        message = (
            "文件已加密，请取消密码后上传"
            if type(exc).__name__ == "PasswordError"
            else "无法读取，请确认是有效的 Excel 文件"
        )
        sheet.errors.append(f"文件：{message}")
        return sheet
    found = _find_header(head)
    if found is None:
        sheet.errors.append(
            f"表头：在“{name}”工作表的前{HEADER_SEARCH_ROWS}行中找不到附件2模板的表头（如“事项编码”“事项名称”），请下载模板后按模板填写"
        )
        return sheet
    header_index, mapping = found
    missing = [HEADERS[f] for f in FIELDS if f in REQUIRED and f not in mapping.values()]
    if missing:
        sheet.errors.append(
            f"表头：缺少必填列“{'”“'.join(missing)}”（第{header_index + 1}行），请勿修改模板表头"
        )
        return sheet
    rows = _data_rows(head, raw, header_index, mapping)
    for row in rows:
        if len(sheet.rows) >= MAX_ROWS:
            sheet.errors.append(f"行数：单个文件最多导入{MAX_ROWS}行事项，请分批导入")
            sheet.rows = []
            return sheet
        sheet.rows.append(row)
    if not sheet.rows:
        sheet.errors.append(f"数据：第{header_index + 2}行起没有任何事项，请在表头下方逐行填写")
    return sheet


def _data_rows(
    head: list[list[str]], rest: Iterator[list[Any]], header_index: int, mapping: dict[int, str]
) -> Iterator[dict[str, Any]]:
    def convert(cells: list[Any], already_text: bool) -> dict[str, Any] | None:
        row: dict[str, Any] = {}
        filled = False
        for c, name in mapping.items():
            value = cells[c] if c < len(cells) else ""
            text = value if already_text else cell_text(value)
            row[name] = text
            filled = filled or bool(text)
        return row if filled else None

    for number, cells in enumerate(head[header_index + 1 :], 1):
        row = convert(cells, True)
        if row is not None:
            row["_row"] = header_index + 1 + number
            yield row
    start = len(head)
    for offset, cells in enumerate(rest):
        row = convert(cells, False)
        if row is not None:
            row["_row"] = start + offset + 1
            yield row
