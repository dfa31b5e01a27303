"""Document and case numbers: 机关简称 + 文书类别简称 + 〔年份〕 + 序号 + 号, e.g. 玉司罚决〔2026〕1号.

One sequence per agency, prefix and year (``cases.models.DocumentSequence``; regulations.md §4.4: separate
sequences per document type per year per agency, counties with their own 简称 such as 红司).

Gapless and never reused: the sequence row is locked (SELECT … FOR UPDATE) and incremented inside the *caller's*
transaction. A concurrent caller waits for the lock; if the issuing transaction rolls back, the increment rolls back
with it, so a number is consumed only when the document (or case) that carries it is committed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.errors import SanxiangError


def format_number(short_name: str, prefix: str, year: int, n: int) -> str:
    """``format_number("玉司", "罚决", 2026, 1)`` → "玉司罚决〔2026〕1号" (regulations.md §4.4)."""
    return f"{short_name}{prefix}〔{year}〕{n}号"


def next_number(agency: Any, prefix: str, year: int) -> str:
    """Allocate the next number of ``prefix`` for ``agency`` in ``year``.

    Must run inside the transaction that stores the numbered object (``transaction.atomic()`` is opened here
    too, as a savepoint when nested, so a stand-alone call is still atomic). Never skips or reuses a number.
    """

    if not prefix:
        raise SanxiangError("文号类别：不能为空", field="prefix", code="numbering")
    short_name = getattr(agency, "short_name", "") or ""
    if not short_name:
        raise SanxiangError(
            "机关文书简称：未设置，无法编号（请在机关信息中填写“文书简称”，如“玉司”）",
            field="short_name",
            code="numbering",
        )
    with transaction.atomic():
        seq = _locked_sequence(agency.pk, prefix, year)
        seq.last += 1
        seq.save(update_fields=["last"])
        return format_number(short_name, prefix, year, seq.last)


def _locked_sequence(agency_id: int, prefix: str, year: int) -> Any:
    """The sequence row, locked for update; created (at 0) on first use. Two first users racing to create it:
    the loser's INSERT fails on the unique constraint inside a savepoint, and it then locks the winner's row."""
    from cases.models import DocumentSequence

    qs = DocumentSequence.objects.select_for_update()
    for _attempt in range(3):
        row = qs.filter(agency_id=agency_id, prefix=prefix, year=year).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                DocumentSequence.objects.create(agency_id=agency_id, prefix=prefix, year=year, last=0)
        except IntegrityError:
            continue  # another transaction created it first: lock theirs
    return qs.get(agency_id=agency_id, prefix=prefix, year=year)
