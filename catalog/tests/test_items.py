"""Rules of the 事项清单 at their boundaries, drafts, tenant isolation and the demo content (issue #3 item 3)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import actions, rules
from catalog.models import GuideMaterial, Item
from catalog.tests import factories
from core.errors import SanxiangError, ValidationFailed
from core.models import Agency


# ---------------------------------------------------------------------------------------------- pure rules
@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("A", False),
        ("AB", True),
        ("YXSFJ-CF-001", True),
        ("YX_CF", False),
        ("-AB", False),
        ("玉司01", False),
        ("A" * 40, True),
        ("A" * 41, False),
    ],
)
def test_item_code_format(code: str, ok: bool) -> None:
    errors = rules.check_item(factories.penalty(code))
    assert (errors == []) is ok
    if not ok:
        assert errors[0].startswith("事项编码：")


def test_time_limit_must_be_positive() -> None:
    assert rules.check_item(factories.penalty(time_limit_days=1)) == []
    assert rules.check_item(factories.penalty(time_limit_days=0)) == [
        "办理时限：天数必须是正整数（当前为“0”）"
    ]
    assert rules.check_item(factories.penalty(time_limit_days=None)) == []


def test_major_items_need_their_criteria() -> None:
    errors = rules.check_item(factories.penalty(is_major=True, major_criteria="  "))
    assert errors and errors[0].startswith("重大执法决定认定标准：")
    assert rules.check_item(factories.penalty(is_major=True, major_criteria="罚款10万元以上")) == []


def test_every_published_item_needs_a_legal_basis() -> None:
    assert rules.check_item(factories.penalty(legal_bases=[])) == []
    gaps = rules.check_item(factories.penalty(legal_bases=[]), for_publication=True)
    assert gaps[0].startswith("法律依据：发布前至少填写一条")
    one = [{"law": "《中华人民共和国律师法》", "article": "第五十条", "text": ""}]
    assert rules.check_item(factories.penalty(legal_bases=one), for_publication=True) == []
    assert rules.check_item(factories.penalty(legal_bases=[{"law": "", "article": "第一条"}])) == [
        "法律依据第1条：法律法规名称不能为空"
    ]


def test_fine_bounds_of_a_band() -> None:
    band = {"condition": "情节严重", "range_text": "罚款", "note": ""}
    equal = factories.penalty(discretion=[{**band, "fine_min": Decimal(5000), "fine_max": Decimal(5000)}])
    assert rules.check_item(equal) == []
    inverted = factories.penalty(
        discretion=[{**band, "fine_min": Decimal("5000.01"), "fine_max": Decimal(5000)}]
    )
    assert rules.check_item(inverted) == ["裁量基准第1档：罚款下限（5000.01元）不能高于上限（5000元）"]


def test_penalty_items_publish_their_discretion_bands() -> None:
    """《行政处罚法》第三十四条: a draft may lack bands, publication may not."""
    data = factories.penalty(discretion=[])
    assert rules.check_item(data) == []
    gaps = rules.check_item(data, for_publication=True)
    assert len(gaps) == 1 and gaps[0].startswith("裁量基准：") and "第三十四条" in gaps[0]
    assert rules.check_item(factories.penalty(), for_publication=True) == []


def test_licensing_items_publish_a_guide_with_materials() -> None:
    """《行政许可法》第三十条: 条件、材料目录、期限、收费."""
    assert rules.check_item(factories.licensing(), for_publication=True) == []
    no_guide = rules.check_item(factories.licensing(guide=None), for_publication=True)
    assert no_guide[0].startswith("服务指南：") and "第三十条" in no_guide[0]
    data = factories.licensing()
    data["guide"]["materials"] = []
    assert rules.check_item(data, for_publication=True) == [
        "服务指南·申请材料：至少列出一项材料（《行政许可法》第三十条：公示全部材料目录）"
    ]
    no_limit = rules.check_item(factories.licensing(time_limit_days=None), for_publication=True)
    assert no_limit == ["办理时限：行政许可事项必须公示办理期限（《行政许可法》第三十条）"]


def test_random_inspection_items_state_method_and_content() -> None:
    assert rules.check_item(factories.inspection(), for_publication=True) == []
    gaps = rules.check_item(factories.inspection(inspection_method=""), for_publication=True)
    assert gaps and gaps[0].startswith("检查方式：")
    assert (
        rules.check_item(
            factories.inspection(is_random_inspection=False, inspection_method=""), for_publication=True
        )
        == []
    )


def test_default_procedure_per_category() -> None:
    assert rules.default_procedure("licensing") == "licensing"
    assert rules.default_procedure("penalty") == "penalty_general"
    assert rules.default_procedure("inspection") == "inspection"
    assert rules.default_procedure("coercion") == "" and rules.default_procedure("other") == ""


def test_sample_files_type_and_ten_megabytes() -> None:
    limit = 10 * 1024 * 1024
    assert rules.sample_file_error("申请书.docx", limit) is None
    assert rules.sample_file_error("申请书.PDF", 1) is None
    assert str(rules.sample_file_error("申请书.docx", limit + 1)).startswith("示范文本：文件不能超过10 MB")
    assert str(rules.sample_file_error("申请书.exe", 1)).startswith("示范文本：仅支持")


def test_legal_basis_cells_of_the_bureau_csv() -> None:
    bases = rules.parse_legal_bases("《律师法》第四条、《律师执业管理办法》第四条、第五十一条")
    assert bases == [
        {"law": "《律师法》", "article": "第四条", "text": ""},
        {"law": "《律师执业管理办法》", "article": "第四条、第五十一条", "text": ""},
    ]
    one = rules.parse_legal_bases(
        "《中华人民共和国律师法》(2017年修正)第五十五条：没有取得律师执业证书的人员……"
    )
    assert one == [
        {
            "law": "《中华人民共和国律师法》(2017年修正)",
            "article": "第五十五条",
            "text": "没有取得律师执业证书的人员……",
        }
    ]
    assert (
        rules.format_legal_bases(one)
        == "《中华人民共和国律师法》(2017年修正)第五十五条：没有取得律师执业证书的人员……"
    )


def test_row_validation_names_the_column() -> None:
    row = {
        "code": "YX-1",
        "name": "事项",
        "category": "处罚",
        "level": "省级",
        "department": "律师工作管理科",
        "legal_bases": "《律师法》第五十条",
        "time_limit": "0个工作日",
        "is_major": "也许",
    }
    assert rules.validate_item(row) == [
        "实施层级：“省级”无效，应为市级或县级",
        "办理时限：天数必须是正整数（当前为“0个工作日”）",
        "重大执法决定：应填“是”或“否”（当前为“也许”）",
    ]
    assert rules.validate_item({**row, "level": "市级", "time_limit": "即时办结", "is_major": ""}) == []


# ---------------------------------------------------------------------------------------------- drafts
def test_zhangsan_saves_a_draft_with_children(persona, yuxi) -> None:
    item = factories.make_item(persona("zhangsan"), yuxi)
    assert item.state == "draft" and item.department.name == "律师工作管理科"
    assert item.legal_bases.count() == 1 and item.discretion_bands.get().fine_max == 30000
    assert item.revisions.get().action == "create"
    assert item.time_limit_display == "90个自然日"


def test_department_must_belong_to_the_agency(persona, yuxi) -> None:
    with pytest.raises(SanxiangError, match="承办科室：“律师公证工作股”不是玉溪市司法局的内设机构"):
        factories.make_item(persona("zhangsan"), yuxi, factories.penalty(department="律师公证工作股"))


def test_code_is_unique_within_the_agency_only(persona, yuxi) -> None:
    factories.make_item(persona("zhangsan"), yuxi)
    with pytest.raises(SanxiangError, match="事项编码：本机关已有编码为“YXSFJ-CF-001”的事项"):
        factories.make_item(persona("zhangsan"), yuxi)
    hongta = Agency.objects.get(short_name="红司")
    other = factories.make_item(persona("wangwu"), hongta, factories.penalty(department="律师公证工作股"))
    assert other.code == "YXSFJ-CF-001"


def test_invalid_draft_writes_nothing(persona, yuxi) -> None:
    with pytest.raises(ValidationFailed) as exc:
        factories.make_item(persona("zhangsan"), yuxi, factories.penalty(name="", time_limit_days=0))
    assert exc.value.errors == ["事项名称：不能为空", "办理时限：天数必须是正整数（当前为“0”）"]
    assert exc.value.field == "name"
    assert not Item.objects.exists()


def test_wangwu_at_hongta_cannot_write_city_items(persona, yuxi) -> None:
    with pytest.raises(PermissionDenied):
        factories.make_item(persona("wangwu"), yuxi)
    item = factories.make_item(persona("zhangsan"), yuxi)
    with pytest.raises(PermissionDenied):
        actions.save_item(persona("wangwu"), yuxi, item, factories.penalty(name="改"))
    with pytest.raises(PermissionDenied):
        actions.submit_item(persona("wangwu"), item)


def test_wangwu_does_not_see_city_drafts(login, persona, yuxi) -> None:
    item = factories.make_item(persona("zhangsan"), yuxi)
    client = login("wangwu")
    assert client.get(f"/manage/catalog/items/{item.pk}/").status_code == 403
    assert client.get(f"/manage/catalog/items/{item.pk}/edit/").status_code == 403
    assert item.name not in client.get("/manage/catalog/items/").content.decode()
    assert client.get(f"/api/v1/catalog/items/{item.pk}").status_code == 403
    assert client.get("/api/v1/catalog/items").json() == []


def test_sample_files_are_stored_and_kept(persona, yuxi, media_tmp) -> None:
    zhangsan = persona("zhangsan")
    data = factories.licensing()
    data["guide"]["materials"][0]["sample"] = SimpleUploadedFile("申请书.docx", b"PK\x03\x04 docx")
    item = factories.make_item(zhangsan, yuxi, data)
    stored = GuideMaterial.objects.get(guide__item=item).sample.name or ""
    assert stored.startswith(f"samples/{yuxi.pk}/") and stored.endswith("申请书.docx")
    # Saving again keeps the stored file; a name the item does not own is refused.
    data["guide"]["materials"][0]["sample"] = stored
    actions.save_item(zhangsan, yuxi, item, data)
    assert GuideMaterial.objects.get(guide__item=item).sample.name == stored
    data["guide"]["materials"][0]["sample"] = "samples/1/other/secret.pdf"
    with pytest.raises(SanxiangError, match="示范文本：只能保留本事项已上传的文件"):
        actions.save_item(zhangsan, yuxi, item, data)
    data["guide"]["materials"][0]["sample"] = SimpleUploadedFile("a.exe", b"MZ")
    with pytest.raises(SanxiangError, match="示范文本：仅支持"):
        actions.save_item(zhangsan, yuxi, item, data)


# ---------------------------------------------------------------------------------------------- demo
def test_demo_content_publishes_the_bureau_items_once(yuxi, media_tmp) -> None:
    from catalog import demo_content
    from publicity.models import Publication

    out = io.StringIO()
    demo_content.load(out)
    city = Item.objects.filter(agency=yuxi)
    assert city.count() >= 30
    assert Item.objects.filter(agency__short_name="红司").count() >= 3
    assert city.filter(state="submitted").count() == 1 and city.filter(state="returned").count() == 1
    live = Publication.objects.current().filter(kind="item")
    assert live.count() == Item.objects.filter(state="published").count() >= 30
    assert Item.objects.filter(is_major=True, state="published").count() >= 2
    first = live.get(key="YXSFJ-CF-001")
    assert first.payload["discretion"] and first.payload["is_major"] is True
    licence = live.filter(category="行政许可").first()
    assert licence is not None and licence.payload["guide"]["materials"][0]["sample"].startswith("samples/")
    assert live.filter(category="行政检查").first().payload["inspection"]["method"]  # type: ignore[union-attr]
    # The review queue and the 科室's 工作台 show work: one item waiting, one returned to 律师工作管理科.
    from accounts.models import User
    from catalog import workbench

    todos, _ = workbench.items(User.objects.get(username="jiandu"))
    assert [t.title for t in todos] == ["事项清单待审核：1 项"]
    todos, _ = workbench.items(User.objects.get(username="kezhang"))
    assert len(todos) == 1 and todos[0].title.startswith("事项被退回修改：") and todos[0].level == "yellow"
    assert workbench.items(User.objects.get(username="wangwu")) == ([], [])
    demo_content.load(out)
    assert Publication.objects.filter(kind="item").count() == live.count()
    assert "跳过" in out.getvalue()
