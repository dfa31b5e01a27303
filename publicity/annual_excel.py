"""Excel export of a 年度数据 report (openpyxl), styled like the catalog template (catalog/excel.py): 宋体, a merged
title row, blue-grey header fill, thin borders; one sheet per table, 扩展指标 and 情况说明. Rows entered by hand
are marked 手工填报 and shaded."""

from __future__ import annotations

import io
from typing import Any

from publicity import annual

SHEETS_ORDER = list(annual.TABLES)


def build_workbook(title: str, data: dict[str, Any], narrative: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    manual_fill = PatternFill("solid", fgColor="FFF2CC")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    bold = Font(name="宋体", bold=True)
    plain = Font(name="宋体")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def sheet(
        ws: Any, heading: str, header: list[str], rows: list[tuple[list[Any], bool]], total: list[Any]
    ) -> None:
        last = get_column_letter(len(header))
        ws.merge_cells(f"A1:{last}1")
        ws["A1"] = heading
        ws["A1"].font = Font(name="宋体", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        ws.row_dimensions[2].height = 32
        for i, name in enumerate(header, 1):
            cell = ws.cell(row=2, column=i, value=name)
            cell.font, cell.fill, cell.border, cell.alignment = bold, header_fill, border, center
            ws.column_dimensions[get_column_letter(i)].width = 26 if i == 1 else max(12, len(name) * 2 + 2)
        r = 3
        for values, manual in rows:
            for i, value in enumerate(values, 1):
                cell = ws.cell(row=r, column=i, value=value)
                cell.font, cell.border = plain, border
                if manual:
                    cell.fill = manual_fill
            r += 1
        for i, value in enumerate(total, 1):
            cell = ws.cell(row=r, column=i, value=value)
            cell.font, cell.border, cell.fill = bold, border, total_fill
        ws.freeze_panes = "B3"

    def number(column: str, value: Any) -> Any:
        if column == annual.AMOUNT:
            return float(annual.money(value))
        return int(value or 0)

    first = True
    for code in SHEETS_ORDER:
        t = data["tables"][code]
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = t["label"]
        codes = [c["code"] for c in t["columns"]]
        header = ["科室/机关", *[c["label"] for c in t["columns"]], "备注"]
        rows = [
            (
                [r["department"], *[number(c, r["values"].get(c)) for c in codes], r["note"] or ""],
                bool(r["manual"]),
            )
            for r in t["rows"]
        ]
        total = ["合计", *[number(c, t["total"].get(c)) for c in codes], t["statement"]]
        sheet(ws, f"{title}　{t['label']}", header, rows, total)

    ws = wb.create_sheet("扩展指标")
    codes = [c["code"] for c in data["extended_columns"]]
    header = ["科室/机关", *[c["label"] for c in data["extended_columns"]]]
    rows = [
        ([r["department"], *[int(r["values"].get(c, 0)) for c in codes]], False)
        for r in data["extended_rows"]
    ]
    sheet(ws, f"{title}　扩展指标", header, rows, ["合计", *[int(data["extended"].get(c, 0)) for c in codes]])

    ws = wb.create_sheet("情况说明")
    ws["A1"] = f"{title}　行政执法情况说明"
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws.column_dimensions["A"].width = 100
    for i, para in enumerate((narrative or "（未填写）").splitlines() or [""], 3):
        cell = ws.cell(row=i, column=1, value=para)
        cell.font, cell.alignment = plain, Alignment(wrap_text=True, vertical="top")
    note_row = ws.max_row + 2
    ws.cell(
        row=note_row,
        column=1,
        value=f"注：黄色底纹的行为{annual.MANUAL_MARK}数据；并处的行政处罚计1宗，计入最重的处罚种类"
        f"（{'＜'.join(data.get('penalty_order', []))}）；罚没金额取自处罚决定书。",
    ).font = plain

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
