"""import_item_drafts: all-or-nothing, row-level Chinese errors, bulk speed (issue #3 item 4)."""

from __future__ import annotations

import itertools
import time

import pytest

from audit.models import AuditEvent
from catalog import actions
from catalog.models import DiscretionBand, Item, ItemRevision, LegalBasis
from core.errors import ValidationFailed


def row(n: int, **over: str) -> dict[str, str]:
    base = {
        "code": f"YXSFJ-CF-{n:05d}",
        "name": f"对律师事务所违法行为的行政处罚{n}",
        "category": "行政处罚",
        "level": "市级",
        "department": "律师工作管理科",
        "legal_bases": "《中华人民共和国律师法》第五十条：律师事务所有下列行为之一的……",
        "time_limit": "90个自然日",
        "discretion": "情节轻微｜警告｜首次\n情节严重｜处1万元以上5万元以下罚款",
        "av_duties": "调查取证：全过程音像记录",
    }
    base.update(over)
    return base


def test_zhangsan_imports_drafts_with_children(persona, yuxi) -> None:
    zhangsan = persona("zhangsan")
    count = actions.import_item_drafts(zhangsan, yuxi.pk, [row(1), row(2)], source="事项清单.xlsx")
    assert count == 2
    item = Item.objects.get(agency=yuxi, code="YXSFJ-CF-00001")
    assert item.state == "draft" and item.category == "penalty" and item.procedure == "penalty_general"
    assert item.time_limit_days == 90 and item.time_limit_unit == "calendar"
    assert item.legal_bases.get().article == "第五十条"
    band = item.discretion_bands.order_by("order").last()
    assert band is not None and band.fine_min == 10000 and band.fine_max == 50000
    assert item.av_duties.get().step == "调查取证"
    assert ItemRevision.objects.filter(item=item, action="import").count() == 1
    assert AuditEvent.objects.filter(action="catalog.items_imported").count() == 1


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(persona, yuxi) -> None:
    rows = [
        row(1),
        row(2, category="行政罚款"),
        row(3),
        row(4, department="不存在的科"),
        row(5, code="YXSFJ-CF-00001"),
    ]
    with pytest.raises(ValidationFailed) as exc:
        actions.import_item_drafts(persona("zhangsan"), yuxi.pk, rows)
    errors = exc.value.errors
    assert any(e.startswith("第3行：事项类别：“行政罚款”无效") for e in errors)
    assert any(e.startswith("第5行：承办科室：“不存在的科”") for e in errors)
    assert "第6行：事项编码：“YXSFJ-CF-00001”与第2行重复" in errors
    assert not any(e.startswith(("第2行", "第4行")) for e in errors)
    assert Item.objects.count() == 0 and LegalBasis.objects.count() == 0


def test_row_numbers_come_from_the_sheet_when_given(persona, yuxi) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.import_item_drafts(persona("zhangsan"), yuxi.pk, [{**row(1, name=""), "_row": 7}])
    assert exc.value.errors == ["第7行：事项名称：不能为空"]


def test_reimport_updates_drafts_and_refuses_items_under_review(persona, yuxi) -> None:
    zhangsan = persona("zhangsan")
    actions.import_item_drafts(zhangsan, yuxi.pk, [row(1)])
    actions.import_item_drafts(zhangsan, yuxi.pk, [row(1, name="改名后的事项", discretion="一般｜警告")])
    item = Item.objects.get(code="YXSFJ-CF-00001")
    assert item.name == "改名后的事项"
    assert DiscretionBand.objects.filter(item=item).count() == 1
    actions.submit_item(zhangsan, item)
    with pytest.raises(ValidationFailed, match="正在审核中"):
        actions.import_item_drafts(zhangsan, yuxi.pk, [row(1)])


def test_wangwu_cannot_import_into_the_city_bureau(persona, yuxi) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.import_item_drafts(persona("wangwu"), yuxi.pk, [row(1)])
    with pytest.raises(PermissionDenied):
        actions.import_item_drafts(persona("jiandu"), yuxi.pk, [row(1)])  # 监督员 reviews, does not draft


def test_empty_import_is_refused(persona, yuxi) -> None:
    with pytest.raises(ValidationFailed, match="没有事项数据"):
        actions.import_item_drafts(persona("zhangsan"), yuxi.pk, [])


def test_ten_thousand_rows_in_well_under_ten_seconds(persona, yuxi) -> None:
    calls: list[tuple[int, int]] = []
    rows = [row(n) for n in range(10_000)]
    started = time.perf_counter()
    actions.import_item_drafts(persona("zhangsan"), yuxi.pk, rows, progress=lambda d, t: calls.append((d, t)))
    elapsed = time.perf_counter() - started
    assert Item.objects.count() == 10_000 and DiscretionBand.objects.count() == 20_000
    print(f"10,000 rows: {elapsed:.2f} s")
    assert elapsed < 10, f"10,000 rows took {elapsed:.1f} s"
    assert calls[-1] == (10_000, 10_000) and len(calls) >= 20
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(calls))
