"""The review API (/api/v1/review/): the same actions and refusals as the pages — 送审 with its materials checklist,
受理、审核意见 round by round, 延长 approved by the 分管领导, 集体讨论, the register and the scope settings.

A refusal answers 400 with ``{code, message, field, errors}`` in Chinese; another agency's review or case answers 403
(王五 of 红塔区 never sees a 市局 review), an unknown id 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from review.models import CollectiveDiscussion, Extension, Review
from review.tests import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/review"
JSON = "application/json"
POINTS = (
    "subject",
    "qualification",
    "procedure",
    "facts",
    "evidence",
    "law",
    "discretion",
    "documents",
    "crime",
)


# --- helpers ---------------------------------------------------------------------------------------------------


@pytest.fixture
def at_review(case_world: Any) -> Any:
    """A 市局 penalty case at its 法制审核 step with its 调查终结报告 and evidence; 李四 holds 法律职业资格."""
    factories.qualified_reviewer(case_world)
    return factories.case_at_review(case_world)


def _post(client: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type=JSON)


def _submission(client: Any, case_id: int, **over: Any) -> dict[str, Any]:
    """A complete 送审 payload built from what the materials endpoint offers."""
    options = client.get(f"{BASE}/cases/{case_id}/materials").json()
    data: dict[str, Any] = {
        "statement": {
            "facts": "当事人某律师事务所未按规定履行管理职责，致使本所律师违规执业。",
            "basis": "《律师法》第五十条第一款第五项",
            "discretion": "适用本局裁量基准第二档（一般情节）",
            "qualifications": "张三（执法证号见案卷）、赵六，均持有有效执法证",
        },
        "draft_decision": "行政处罚决定书（代拟稿）：决定对当事人处以罚款人民币伍仟元整。",
        "proposal": {
            "outcome": "penalty",
            "penalty_types": ["fine"],
            "fine_amount": "5000",
            "summary": "罚款5000元",
        },
        "evidence_ids": [e["id"] for e in options["evidence"]],
        "document_ids": [d["id"] for d in options["documents"]],
    }
    data.update(over)
    return data


def _checklist(bad: str = "") -> dict[str, dict[str, Any]]:
    return {p: {"ok": p != bad, "note": "证据不足" if p == bad else ""} for p in POINTS}


def _submitted(client: Any, case: Any) -> dict[str, Any]:
    response = _post(client, f"{BASE}/cases/{case.pk}/reviews", _submission(client, case.pk))
    assert response.status_code == 201, response.content
    return response.json()


# --- tests -----------------------------------------------------------------------------------------------------


def test_openapi_schema_builds_with_the_review_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/review/cases/{case_id}/reviews",
        "/api/v1/review/reviews/{review_id}",
        "/api/v1/review/reviews/{review_id}/opinion",
        "/api/v1/review/extensions/{extension_id}/decide",
        "/api/v1/review/discussions/{discussion_id}/sign",
        "/api/v1/review/policy",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/review/policy"]) == {"get", "put"}


def test_vocabulary_lists_the_nine_review_points(case_world, login):
    body = login("lisi").get(f"{BASE}/vocabulary").json()
    assert [p["code"] for p in body["points"]] == list(POINTS)
    assert {g["code"] for g in body["grounds"]} == {
        "public_interest",
        "social_impact",
        "major_rights",
        "complex",
    }
    assert any(k["label"] == "调查终结报告" for k in body["material_kinds"])


def test_scope_and_materials_of_a_case_before_review(at_review, login):
    client = login("zhangsan")
    scope = client.get(f"{BASE}/cases/{at_review.pk}/scope")
    assert scope.status_code == 200, scope.content
    body = scope.json()
    assert body["required"] is True and body["criteria"]
    assert "第五十八条" in body["gate_problem"]
    materials = client.get(f"{BASE}/cases/{at_review.pk}/materials").json()
    assert {"statement", "investigation_report", "draft_decision", "evidence"} <= {
        k["code"] for k in materials["required"]
    }
    assert materials["evidence"] and all(len(e["sha256"]) == 64 and e["sm3"] for e in materials["evidence"])
    assert any(d["doc_type"] == "investigation_report" for d in materials["documents"])
    assert client.get(f"{BASE}/cases/{at_review.pk}/reviews").json() == []


def test_a_submission_without_materials_is_refused_with_the_missing_list(at_review, login):
    client = login("zhangsan")
    data = _submission(client, at_review.pk, evidence_ids=[], document_ids=[])
    data["statement"]["basis"] = ""
    response = _post(client, f"{BASE}/cases/{at_review.pk}/reviews", data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    joined = "\n".join(body["errors"])
    assert "调查终结报告" in joined and "证据材料" in joined and "法律依据" in joined
    assert body["message"].startswith(body["errors"][0])
    assert not Review.objects.filter(case=at_review).exists()
    # completed, the same submission goes through (the user's input was not lost: only the gaps were filled)
    review = _submitted(client, at_review)
    assert review["state"] == "submitted" and review["rounds"] == 1
    assert review["proposal"]["fine_amount"] == "5000.00"


def test_the_whole_review_round_trip(case_world, at_review, login):
    review = _submitted(login("zhangsan"), at_review)
    rid = review["id"]
    first = review["submissions"][0]
    assert first["round"] == 1 and first["materials"]
    assert review["clock"]["status"] == "ok" and review["clock"]["events"][0]["kind"] == "start"

    assert [r["id"] for r in login("kezhang").get(f"{BASE}/cases/{at_review.pk}/reviews").json()] == [rid]

    # assigning: by the 协调监督科 (not the 承办科室), to a qualified 法制审核员 of the agency only
    assign = f"{BASE}/reviews/{rid}/assign"
    lisi_id = case_world.users["lisi"].pk
    assert _post(login("zhangsan"), assign, {"reviewer_id": lisi_id}).status_code == 403
    not_reviewer = _post(login("jiandu"), assign, {"reviewer_id": case_world.users["zhangsan"].pk})
    assert not_reviewer.status_code == 400 and not_reviewer.json()["field"] == "reviewer"
    assert "法制审核员" in not_reviewer.json()["message"]
    elsewhere = _post(login("jiandu"), assign, {"reviewer_id": case_world.users["wangwu"].pk})
    assert elsewhere.status_code == 400 and "须为本机关的法制审核员" in elsewhere.json()["message"]
    unknown = _post(login("jiandu"), assign, {"reviewer_id": 987654})
    assert unknown.status_code == 400 and unknown.json()["field"] == "reviewer_id"
    lisi = login("lisi")
    assert rid in [r["id"] for r in lisi.get(f"{BASE}/queue").json()]
    assigned = _post(lisi, assign)  # 李四 takes it himself
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["reviewer"] == "李四" and assigned.json()["assigned_at"]

    incomplete = _post(
        lisi,
        f"{BASE}/reviews/{rid}/opinion",
        {"round": 1, "conclusion": "problem", "checklist": {"facts": {"ok": False}}, "reasons": ""},
    )
    assert incomplete.status_code == 400 and incomplete.json()["field"] == "opinion"
    problems = "\n".join(incomplete.json()["errors"])
    assert "请逐项审核" in problems and "补充调查、修改或退回" in problems and "审核意见及理由" in problems

    returned = _post(
        lisi,
        f"{BASE}/reviews/{rid}/opinion",
        {
            "round": 1,
            "conclusion": "problem",
            "action": "supplement",
            "checklist": _checklist(bad="evidence"),
            "reasons": "违法所得的证据不足，请补充调查。",
        },
    )
    assert returned.status_code == 200, returned.content
    body = returned.json()
    assert body["state"] == "returned"
    opinion = body["submissions"][0]["opinion"]
    assert opinion["conclusion_label"] == "存在问题" and opinion["action_label"] == "补充调查"
    assert [c["ok"] for c in opinion["checklist"] if c["code"] == "evidence"] == [False]
    assert opinion["document"]["number"] and opinion["document"]["pdf_url"]
    assert body["clock"]["paused"] is True

    zhangsan = login("zhangsan")
    again = _post(zhangsan, f"{BASE}/reviews/{rid}/resubmit", {"response": "已补充调查，补充了银行流水。"})
    assert again.status_code == 200, again.content
    body = again.json()
    assert body["state"] == "submitted" and body["rounds"] == 2
    assert [s["round"] for s in body["submissions"]] == [1, 2]
    assert body["submissions"][1]["response"] == "已补充调查，补充了银行流水。"
    assert (
        body["submissions"][0]["opinion"]["reasons"] == "违法所得的证据不足，请补充调查。"
    )  # history intact

    lisi = login("lisi")
    stale = _post(
        lisi,
        f"{BASE}/reviews/{rid}/opinion",
        {"round": 1, "conclusion": "agree", "checklist": _checklist(), "reasons": "同意"},
    )
    assert stale.status_code == 400, stale.content  # SanxiangError code "stale" (the action's refusal)
    assert stale.json()["code"] == "stale" and stale.json()["field"] == "round"
    assert "第1次送审已出具意见或已变化" in stale.json()["message"]
    agreed = _post(
        lisi,
        f"{BASE}/reviews/{rid}/opinion",
        {
            "round": 2,
            "conclusion": "agree",
            "checklist": _checklist(),
            "reasons": "事实清楚，证据充分，同意。",
        },
    )
    assert agreed.status_code == 200, agreed.content
    body = agreed.json()
    assert body["state"] == "approved" and body["approved_on"]
    assert [o["conclusion"] for o in body["opinions"]] == ["problem", "agree"]
    assert body["clock"]["state"] == "stopped"

    scope = login("zhangsan").get(f"{BASE}/cases/{at_review.pk}/scope").json()
    assert scope["gate_problem"] is None
    detail = login("jiandu").get(f"{BASE}/reviews/{rid}")  # the 监督员 reads the complete record
    assert detail.status_code == 200
    assert [s["round"] for s in detail.json()["submissions"]] == [1, 2]


def test_register_paginates_filters_and_counts(at_review, login):
    rid = _submitted(login("zhangsan"), at_review)["id"]
    client = login("kezhang")
    year = timezone.localdate().year
    page = client.get(f"{BASE}/reviews", {"year": year}).json()
    assert page["count"] == 1 and [r["id"] for r in page["items"]] == [rid]
    assert page["offset"] == 0 and page["limit"] == 100
    assert client.get(f"{BASE}/reviews", {"year": year - 1}).json()["count"] == 0
    assert client.get(f"{BASE}/reviews", {"state": "approved"}).json()["count"] == 0
    assert client.get(f"{BASE}/reviews", {"q": at_review.number}).json()["count"] == 1
    assert client.get(f"{BASE}/reviews", {"offset": 1}).json()["items"] == []
    bad = client.get(f"{BASE}/reviews", {"state": "done"})
    assert bad.status_code == 400 and bad.json()["field"] == "state" and "待审核" in bad.json()["message"]
    stats = client.get(f"{BASE}/statistics", {"year": year}).json()
    assert stats["statistics"]["total"] == 1 and stats["statistics"]["pending"] == 1
    assert stats["statistics"]["approved"] == 0 and stats["statistics"]["average_days"] is None
    ratio = stats["staff_ratio"]
    assert ratio["minimum"] == "5.00" and isinstance(ratio["passed"], bool)
    submissions = client.get(f"{BASE}/submissions").json()
    assert [r["id"] for r in submissions] == [rid]


def test_another_agency_never_sees_a_city_review(at_review, login):
    rid = _submitted(login("zhangsan"), at_review)["id"]
    wangwu = login("wangwu")
    assert wangwu.get(f"{BASE}/reviews/{rid}").status_code == 403
    assert wangwu.get(f"{BASE}/cases/{at_review.pk}/scope").status_code == 403
    assert wangwu.get(f"{BASE}/cases/{at_review.pk}/reviews").status_code == 403
    assert wangwu.get(f"{BASE}/cases/{at_review.pk}/materials").status_code == 403
    assert _post(wangwu, f"{BASE}/reviews/{rid}/withdraw", {"reason": "撤回"}).status_code == 403
    payload = _submission(login("zhangsan"), at_review.pk)
    wangwu = login("wangwu")  # the test client is shared: sign in again after building the payload
    assert _post(wangwu, f"{BASE}/cases/{at_review.pk}/reviews", payload).status_code == 403
    assert wangwu.get(f"{BASE}/reviews").json()["count"] == 0
    assert wangwu.get(f"{BASE}/submissions").json() == []
    assert wangwu.get(f"{BASE}/reviews/{rid + 1000}").status_code == 404
    hongta_jiandu = login("hongta_jiandu")
    assert hongta_jiandu.get(f"{BASE}/reviews/{rid}").status_code == 403
    assert login("gongshi").get(f"{BASE}/reviews/{rid}").status_code == 403  # 公示审核员: no review.read
    # an officer cannot give the opinion, a reviewer cannot resubmit
    assert (
        _post(
            login("zhangsan"),
            f"{BASE}/reviews/{rid}/opinion",
            {"round": 1, "conclusion": "agree", "checklist": _checklist(), "reasons": "同意"},
        ).status_code
        == 403
    )
    assert _post(login("lisi"), f"{BASE}/reviews/{rid}/resubmit", {"response": "x"}).status_code == 403


def test_withdraw(at_review, login):
    rid = _submitted(login("zhangsan"), at_review)["id"]
    refused = _post(login("zhangsan"), f"{BASE}/reviews/{rid}/withdraw", {"reason": ""})
    assert refused.status_code == 400 and refused.json()["message"]
    ok = _post(login("zhangsan"), f"{BASE}/reviews/{rid}/withdraw", {"reason": "拟处理意见需调整，撤回重报"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "withdrawn"
    assert login("lisi").get(f"{BASE}/queue").json() == []


def test_extension_is_approved_only_by_the_deputy_leader(at_review, login):
    rid = _submitted(login("zhangsan"), at_review)["id"]
    lisi = login("lisi")
    _post(lisi, f"{BASE}/reviews/{rid}/assign")
    too_long = _post(lisi, f"{BASE}/reviews/{rid}/extensions", {"days": 4, "reason": "案情疑难复杂"})
    assert too_long.status_code == 400 and "延长天数" in too_long.json()["message"]
    asked = _post(
        lisi, f"{BASE}/reviews/{rid}/extensions", {"days": 3, "reason": "案情疑难复杂，涉及多个法律关系"}
    )
    assert asked.status_code == 201, asked.content
    ext = asked.json()
    assert ext["state"] == "pending" and ext["requested_by"] == "李四"
    assert [e["id"] for e in login("fenguan").get(f"{BASE}/extensions").json()] == [ext["id"]]
    assert login("wangwu").get(f"{BASE}/extensions").json() == []
    url = f"{BASE}/extensions/{ext['id']}/decide"
    for who in ("zhangsan", "lisi", "wangwu", "juzhang"):  # 吴局长 is a 负责人 but not the 分管领导
        assert _post(login(who), url, {"approve": True}).status_code == 403, who
    assert Extension.objects.get(pk=ext["id"]).state == Extension.State.PENDING
    decided = _post(login("fenguan"), url, {"approve": True, "note": "同意延长3个工作日"})
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["state"] == "approved" and body["decided_by"] == "周副局长" and body["decided_on"]
    detail = login("lisi").get(f"{BASE}/reviews/{rid}").json()
    assert detail["clock"]["extended_days"] == 3
    assert detail["extensions"][0]["decision_note"] == "同意延长3个工作日"
    assert any(e["kind"] == "extend" and e["approver"] == "周副局长" for e in detail["clock"]["events"])
    second = _post(login("lisi"), f"{BASE}/reviews/{rid}/extensions", {"days": 1, "reason": "仍需时间"})
    assert second.status_code == 400 and "已经延长过一次" in second.json()["message"]
    assert login("fenguan").get(f"{BASE}/extensions", {"state": "approved"}).json()[0]["id"] == ext["id"]


def test_collective_discussion_is_recorded_and_signed(at_review, login):
    url = f"{BASE}/cases/{at_review.pk}/discussions"
    attendees = [{"name": "吴局长", "title": "局长"}, {"name": "周副局长", "title": "副局长"}]
    data: dict[str, Any] = {
        "held_at": timezone.make_aware(datetime(2026, 11, 20, 15, 0)).isoformat(),
        "place": "局三楼会议室",
        "presider": "吴局长",
        "attendees": attendees,
        "recorder": "陈科长",
        "opinions": "与会人员一致认为事实清楚。",
        "conclusion": "同意给予罚款5000元的行政处罚。",
    }
    too_few = _post(login("zhangsan"), url, data)
    assert too_few.status_code == 400 and "三人以上" in too_few.json()["errors"][0]
    attendees.append({"name": "陈科长", "title": "律师工作管理科科长"})
    made = _post(login("zhangsan"), url, data)
    assert made.status_code == 201, made.content
    did = made.json()["id"]
    assert made.json()["signed"] is False and made.json()["attendees"][1]["title"] == "副局长"
    assert [d["id"] for d in login("juzhang").get(f"{BASE}/discussions").json()] == [did]
    assert [d["id"] for d in login("kezhang").get(url).json()] == [did]
    assert login("wangwu").get(url).status_code == 403
    assert _post(login("zhangsan"), f"{BASE}/discussions/{did}/sign").status_code == 403
    assert _post(login("wangwu"), f"{BASE}/discussions/{did}/sign").status_code == 403
    signed = _post(login("juzhang"), f"{BASE}/discussions/{did}/sign")
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["signed"] is True and body["signed_by"] == "吴局长" and body["document"]["pdf_url"]
    document = CollectiveDiscussion.objects.get(pk=did).document
    assert (
        document is not None and document.doc_type == "collective_discussion" and document.state == "issued"
    )
    assert login("juzhang").get(f"{BASE}/discussions").json() == []


def test_policy_is_read_by_staff_and_changed_by_the_principal(case_world, login):
    default = login("zhangsan").get(f"{BASE}/policy")
    assert default.status_code == 200
    body = default.json()
    assert (
        body["saved"] is False and body["fine_citizen"] == "10000.00" and body["review_all_penalties"] is True
    )
    assert (
        login("zhangsan").put(f"{BASE}/policy", {"fine_citizen": "5000"}, content_type=JSON).status_code
        == 403
    )
    assert login("gongshi").get(f"{BASE}/policy").status_code == 403
    bad = login("juzhang").put(
        f"{BASE}/policy", {"fine_citizen": "-1", "staff_ratio_percent": "120"}, content_type=JSON
    )
    assert bad.status_code == 400 and len(bad.json()["errors"]) == 2
    assert "不小于0" in bad.json()["errors"][0] and "不能超过100" in bad.json()["errors"][1]
    saved = login("juzhang").put(f"{BASE}/policy", {"fine_citizen": "5000"}, content_type=JSON)
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (
        body["saved"] is True
        and body["fine_citizen"] == "5000.00"
        and body["fine_organization"] == "100000.00"
    )
    assert body["updated_by"] == "吴局长"
    assert login("wangwu").get(f"{BASE}/policy").json()["fine_citizen"] == "10000.00"  # 红塔区 keeps its own
