"""The demo cases load through the actions (every procedure, a closed case with its 电子案卷, clocks yellow and red)
and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from cases.models import Case, Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "m"},
        },
    }
    return tmp_path


def test_demo_cases_cover_every_procedure_and_load_once(yuxi, media, evidence_tmp):
    from cases import demo_content
    from cases.views import clock_colour, next_clocks
    from catalog import demo_content as catalog_demo
    from org import demo_content as org_demo

    org_demo.load(io.StringIO())
    catalog_demo.load(io.StringIO())
    out = io.StringIO()
    demo_content.load(out)
    text = out.getvalue()
    assert "未能载入" not in text, text
    city = Case.objects.filter(agency=yuxi)
    assert set(city.values_list("procedure", flat=True)) == {
        "penalty_general",
        "penalty_simple",
        "licensing",
        "inspection",
    }
    closed = city.get(status=Case.Status.CLOSED)
    assert closed.procedure == "penalty_general"
    assert Dossier.objects.filter(case=closed, blob__isnull=False).exists(), text
    assert closed.documents.filter(state="issued", doc_type="penalty_decision").exists()
    online = city.get(procedure="licensing")
    assert online.channel == "online" and online.current_step == "intake"
    today = timezone.localdate()
    at_investigation = list(city.filter(current_step="investigate", procedure="penalty_general"))
    clocks = next_clocks([c.pk for c in at_investigation])
    assert sorted(clock_colour(c, today) for c in clocks.values()) == ["red", "yellow"]
    assert Case.objects.exclude(agency=yuxi).filter(agency__short_name="红司").count() == 1
    count = Case.objects.count()
    demo_content.load(io.StringIO())
    assert Case.objects.count() == count
