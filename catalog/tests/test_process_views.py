"""Staff pages of the procedure definitions: list, detail (流程图 + step table) and the SVG download."""

from __future__ import annotations

from django.urls import reverse


def test_reviewer_lisi_sees_every_procedure(login):
    response = login("lisi").get(reverse("catalog:process_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("行政许可", "行政处罚一般程序", "行政处罚简易程序", "行政检查", "重大执法决定法制审核"):
        assert label in html
    assert reverse("catalog:process_detail", args=["legal_review"]) in html


def test_detail_shows_the_flowchart_and_the_clock_table(login):
    response = login("zhangsan").get(reverse("catalog:process_detail", args=["legal_review"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="sx-flowchart img-fluid"' in html
    assert "5个工作日（可延长3个工作日）" in html
    assert "经分管领导批准可延长3个工作日" in html
    assert "玉溪市司法局三项制度工作方案二（三）3" in html
    assert "法制审核意见书" in html
    assert "<script" not in html.split('<svg class="sx-flowchart', 1)[1].split("</svg>", 1)[0]
    assert ' style="' not in html  # CSP: no inline style attributes


def test_detail_marks_inferred_clocks(login):
    html = login("kezhang").get(reverse("catalog:process_detail", args=["penalty_general"])).content.decode()
    assert "《行政处罚法》第六十条" in html and "推断" in html
    assert "调查取证全过程音像记录" in html


def test_svg_download(login):
    response = login("fenguan").get(reverse("catalog:process_svg", args=["licensing"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert 'filename="licensing.svg"' in response["Content-Disposition"]
    assert response.content.decode().startswith("<svg ")


def test_unknown_code_is_404(login):
    client = login("lisi")
    assert client.get(reverse("catalog:process_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("catalog:process_svg", args=["nope"])).status_code == 404


def test_auditor_and_anonymous_are_kept_out(client, login):
    url = reverse("catalog:process_list")
    assert client.get(url).status_code == 302  # to the login page
    assert login("auditor").get(url).status_code == 403


def test_missing_graphviz_shows_a_message_not_a_500(login, monkeypatch, tmp_path):
    from catalog import flowchart

    flowchart.clear_cache()
    monkeypatch.setenv("PATH", str(tmp_path))
    try:
        response = login("lisi").get(reverse("catalog:process_detail", args=["inspection"]))
        assert response.status_code == 200
        assert "未找到 Graphviz 的 dot 程序" in response.content.decode()
        assert login("lisi").get(reverse("catalog:process_svg", args=["inspection"])).status_code == 503
    finally:
        flowchart.clear_cache()
