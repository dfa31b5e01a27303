"""The 重大执法决定目录 column publishes, next to the 附件4 list, the 法制审核 scope, its time limits and the 附件5 flowchart
(seed 二（三）1—3; issue #5 item 6)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog import process
from publicity import flow
from publicity.tests import factories as f

PAGE = reverse("portal:column", args=["zhongda"])
SVG = reverse("portal:flowchart", args=["legal_review"])


@pytest.fixture
def major_item(yuxi):
    return f.item("530400-CF-001", name="对律师事务所疏于管理的行政处罚", is_major=True)


def _flat(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_major_column_shows_scope_limits_and_flowchart(client, major_item):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    text = _flat(html)
    assert "对律师事务所疏于管理的行政处罚" in text  # the 附件4 list itself
    # the limits come from the legal_review definition: 5 working days, +3 with the 分管领导's consent
    clock = next(s.clock for s in process.get("legal_review").steps if s.clock)
    assert (clock.days, clock.extendable.days if clock.extendable else None) == (5, 3)
    assert "自收到齐全的送审材料之日起5个工作日内出具法制审核意见" in text
    assert "疑难复杂案件经分管领导同意，可以延长3个工作日" in text
    assert "退回补充、修改期间不计入审核期限" in text
    # the scope: all 一般程序 penalties and the listed 重大许可, and the Art.58 categories
    for phrase in (
        "全部行政处罚案件（简易程序当场作出的除外）",
        "列入本目录的重大行政许可决定",
        "经过听证程序的",
        "案件情况疑难复杂、涉及多个法律关系的",
        "未经法制审核或者审核未通过的，不得作出决定",
        "《中华人民共和国行政处罚法》第五十八条",
    ):
        assert phrase in text, phrase
    assert flow.available()
    assert f'<img class="img-fluid sx-flowchart border rounded" src="{SVG}"' in html
    assert f'<a href="{SVG}"' in html
    assert 'href="#review-flow"' in html and 'id="review-flow"' in html


def test_the_linked_flowchart_is_the_review_process(client, major_item):
    response = client.get(SVG)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<svg" in svg and 'aria-label="重大执法决定法制审核流程图"' in svg
    drawn = _flat(svg)  # long labels are wrapped over several <text> lines
    for step in process.get("legal_review").steps:
        assert step.name in drawn, step.name


def test_other_lists_do_not_carry_the_review_section(client, major_item):
    for slug in ("yinxiang", "choucha"):
        html = client.get(reverse("portal:column", args=[slug])).content.decode()
        assert "法制审核范围与时限" not in html and SVG not in html


def test_placeholder_while_flowcharts_are_unavailable(client, major_item, monkeypatch):
    monkeypatch.setattr(flow, "available", lambda: False)
    html = client.get(PAGE).content.decode()
    assert SVG not in html
    assert "重大执法决定法制审核流程图正在编制" in html
    assert "5个工作日" in _flat(html)  # the time limits do not depend on the drawing
