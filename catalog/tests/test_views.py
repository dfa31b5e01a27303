"""Staff pages and the staff API of the 事项清单: editor with formsets (no JavaScript needed), review page,
lists, workbench to-dos."""

from __future__ import annotations

from typing import Any

from catalog import actions
from catalog.models import Item, ServiceGuide
from catalog.tests import factories
from org.models import Department
from publicity.models import Publication


def _management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "200",
    }


def form_data(yuxi: Any, **over: str) -> dict[str, str]:
    dept = Department.objects.get(agency=yuxi, name="律师工作管理科")
    data = {
        "code": "YXSFJ-CF-101",
        "name": "对律师违反执业纪律的行政处罚",
        "category": "penalty",
        "level": "city",
        "department": str(dept.pk),
        "procedure": "auto",
        "time_limit_days": "90",
        "time_limit_unit": "calendar",
        "time_limit_text": "",
        "major_criteria": "",
        "change_note": "新增",
        **_management("bases", 1),
        "bases-0-law": "《中华人民共和国律师法》",
        "bases-0-article": "第四十九条",
        "bases-0-text": "",
        **_management("bands", 2),
        "bands-0-condition": "情节较轻",
        "bands-0-range_text": "警告",
        "bands-1-condition": "",
        "bands-1-range_text": "",
        **_management("duties", 1),
        "duties-0-step": "调查取证",
        "duties-0-requirement": "全过程音像记录",
        **_management("materials", 1),
        "guide-fees": "不收费",
    }
    data.update(over)
    return data


def test_zhangsan_creates_an_item_through_the_page(login, yuxi) -> None:
    client = login("zhangsan")
    assert client.get("/manage/catalog/items/new/").status_code == 200
    response = client.post("/manage/catalog/items/new/", form_data(yuxi))
    item = Item.objects.get(code="YXSFJ-CF-101")
    assert response.status_code == 302 and response["Location"] == f"/manage/catalog/items/{item.pk}/"
    assert (
        item.procedure == "penalty_general" and item.discretion_bands.count() == 1
    )  # the blank row is ignored
    assert not ServiceGuide.objects.filter(item=item).exists()  # an empty guide section stores no guide


def test_add_row_without_javascript_keeps_the_input(login, yuxi) -> None:
    client = login("zhangsan")
    response = client.post("/manage/catalog/items/new/", form_data(yuxi, add_row="bases"))
    assert response.status_code == 200 and not Item.objects.exists()
    html = response.content.decode()
    assert 'name="bases-TOTAL_FORMS" value="2"' in html and "第四十九条" in html


def test_page_shows_the_rule_in_chinese_and_writes_nothing(login, yuxi) -> None:
    client = login("zhangsan")
    response = client.post("/manage/catalog/items/new/", form_data(yuxi, code="YX_1", time_limit_days="0"))
    html = response.content.decode()
    assert response.status_code == 200 and "格式不正确，只能使用字母、数字和连字符" in html
    assert "天数必须是正整数" in html and not Item.objects.exists()


def test_save_and_submit_then_review_page_returns_and_approves(login, yuxi) -> None:
    client = login("zhangsan")
    client.post("/manage/catalog/items/new/", form_data(yuxi, save_submit="1"))
    item = Item.objects.get(code="YXSFJ-CF-101")
    assert item.state == "submitted"
    reviewer = login("jiandu")
    queue = reviewer.get("/manage/catalog/review/").content.decode()
    assert item.name in queue
    page = reviewer.get(f"/manage/catalog/items/{item.pk}/review/").content.decode()
    assert "新增事项的内容" in page and "《中华人民共和国律师法》第四十九条" in page
    short = reviewer.post(
        f"/manage/catalog/items/{item.pk}/review/", {"decision": "return", "return-comment": "改"}
    )
    assert short.status_code == 200 and "至少4个字" in short.content.decode()
    reviewer.post(
        f"/manage/catalog/items/{item.pk}/review/",
        {"decision": "return", "return-comment": "请补充裁量基准档次"},
    )
    item.refresh_from_db()
    assert item.state == "returned"
    # zhangsan sees the comment on the 工作台 and on the editor, fixes and resubmits.
    drafter = login("zhangsan")
    assert "请补充裁量基准档次" in drafter.get("/workbench/").content.decode()
    assert "请补充裁量基准档次" in drafter.get(f"/manage/catalog/items/{item.pk}/edit/").content.decode()
    drafter.post(f"/manage/catalog/items/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.state == "submitted"
    reviewer = login("gongshi")
    assert "事项清单待审核：1 项" in reviewer.get("/workbench/").content.decode()
    response = reviewer.post(
        f"/manage/catalog/items/{item.pk}/review/", {"decision": "approve", "approve-comment": ""}
    )
    assert response.status_code == 302
    assert Publication.objects.current().get(key="YXSFJ-CF-101").version == 1


def test_review_page_shows_what_changed_since_the_published_version(login, persona, yuxi) -> None:
    zhangsan = persona("zhangsan")
    item = factories.published_item(zhangsan, persona("gongshi"), yuxi)
    actions.save_item(zhangsan, yuxi, item, factories.penalty(time_limit_days=60))
    actions.submit_item(zhangsan, item)
    page = login("jiandu").get(f"/manage/catalog/items/{item.pk}/review/").content.decode()
    assert "与已发布的第1版相比的变化" in page and "办理时限（天数）" in page
    assert "事项名称" not in page.split("catalog-diff")[1]  # unchanged fields are not listed


def test_list_filters_search_and_lists(login, persona, yuxi) -> None:
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    factories.published_item(
        zhangsan, gongshi, yuxi, factories.penalty(is_major=True, major_criteria="罚款10万元以上")
    )
    factories.published_item(zhangsan, gongshi, yuxi, factories.inspection())
    client = login("kezhang")
    assert (
        "对律师事务所的行政检查" not in client.get("/manage/catalog/items/?category=penalty").content.decode()
    )
    found = client.get("/manage/catalog/items/?q=律师法").content.decode()
    assert "对律师事务所疏于管理的行政处罚" in found and "对律师事务所的行政检查" in found
    assert "对律师事务所的行政检查" not in client.get("/manage/catalog/items/?q=疏于").content.decode()
    major = client.get("/manage/catalog/lists/major/").content.decode()
    assert "罚款10万元以上" in major and "对律师事务所的行政检查" not in major
    assert "全过程音像记录" in client.get("/manage/catalog/lists/av/").content.decode()
    random = client.get("/manage/catalog/lists/random/").content.decode()
    assert "双随机抽查" in random and "疏于管理" not in random


def test_sample_download(login, persona, yuxi, media_tmp) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog.models import GuideMaterial

    data = factories.licensing()
    data["guide"]["materials"][0]["sample"] = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 demo")
    item = factories.make_item(persona("zhangsan"), yuxi, data)
    material = GuideMaterial.objects.get(guide__item=item)
    response = login("lisi").get(f"/manage/catalog/materials/{material.pk}/sample/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 demo"
    assert login("wangwu").get(f"/manage/catalog/materials/{material.pk}/sample/").status_code == 403


# ------------------------------------------------------------------------------------------------------ API
def _api_item(**over: Any) -> dict[str, Any]:
    data = factories.penalty(**over)
    data["discretion"] = [
        {**d, "fine_min": str(d["fine_min"]), "fine_max": str(d["fine_max"])} for d in data["discretion"]
    ]
    data["department"] = "律师工作管理科"
    return data


def test_api_workflow(login, yuxi) -> None:
    client = login("zhangsan")
    created = client.post("/api/v1/catalog/items", _api_item(), content_type="application/json")
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["data"]["discretion"][0]["fine_max"] == "30000"
    bad = client.put(
        f"/api/v1/catalog/items/{item_id}", _api_item(time_limit_days=0), content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["message"] == "办理时限：天数必须是正整数（当前为“0”）"
    ok = client.put(
        f"/api/v1/catalog/items/{item_id}", _api_item(name="改名"), content_type="application/json"
    )
    assert ok.json()["name"] == "改名"
    assert client.post(f"/api/v1/catalog/items/{item_id}/submit").json()["state"] == "submitted"
    assert (
        client.post(
            f"/api/v1/catalog/items/{item_id}/approve", {}, content_type="application/json"
        ).status_code
        == 403
    )
    reviewer = login("jiandu")
    returned = reviewer.post(
        f"/api/v1/catalog/items/{item_id}/return", {"comment": "改"}, content_type="application/json"
    )
    assert returned.status_code == 400 and returned.json()["field"] == "comment"
    reviewer.post(
        f"/api/v1/catalog/items/{item_id}/return", {"comment": "请补充条文"}, content_type="application/json"
    )
    login("zhangsan").post(f"/api/v1/catalog/items/{item_id}/submit")
    approved = login("gongshi").post(
        f"/api/v1/catalog/items/{item_id}/approve", {"comment": "同意"}, content_type="application/json"
    )
    assert approved.json()["published_version"] == 1
    assert [r["action"] for r in approved.json()["revisions"]][:2] == ["approve", "submit"]
    withdrawn = login("jiandu").post(
        f"/api/v1/catalog/items/{item_id}/withdraw", {"reason": "职权已调整"}, content_type="application/json"
    )
    assert withdrawn.json()["is_abolished"] is True
    assert not Publication.objects.current().filter(kind="item").exists()


def test_api_refuses_other_agencies(login, yuxi) -> None:
    response = login("wangwu").post(
        "/api/v1/catalog/items", {**_api_item(), "agency_id": yuxi.pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_each_version_can_be_read_back_with_its_changes(login, persona, yuxi) -> None:
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    item = factories.published_item(zhangsan, gongshi, yuxi)
    actions.save_item(zhangsan, yuxi, item, factories.penalty(time_limit_days=60, change_note="缩短时限"))
    actions.submit_item(zhangsan, item)
    actions.approve_item(gongshi, item)
    second = item.revisions.filter(action="approve").latest("at")
    page = login("lisi").get(f"/manage/catalog/revisions/{second.pk}/").content.decode()
    assert "与第1版" in page and "缩短时限" in page and "办理时限（天数）" in page
    assert login("wangwu").get(f"/manage/catalog/revisions/{second.pk}/").status_code == 403
