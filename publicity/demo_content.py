"""Demo content hook of the portal (``manage.py seed_demo``): publishes nothing itself — org and catalog publish
their records through their own review workflow — and prints what the public can now see."""

from __future__ import annotations

from typing import TextIO

from django.db.models import Count

from publicity import flow
from publicity import public as pub
from publicity.models import Kind, Publication


def summary() -> dict[str, int]:
    counts = dict(
        Publication.objects.current()
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "subjects": counts.get(Kind.SUBJECT, 0),
        "officers": counts.get(Kind.OFFICER, 0),
        "items": counts.get(Kind.ITEM, 0),
        "major": pub.major_items().count(),
        "av": pub.av_items().count(),
        "inspection": pub.inspection_items().count(),
        "procedures": len(flow.procedures()) if flow.available() else 0,
    }


def load(stdout: TextIO) -> None:
    s = summary()
    stdout.write(
        f"  门户现公示：执法主体 {s['subjects']} 个，执法人员 {s['officers']} 名，执法事项 {s['items']} 项"
        f"（重大执法决定目录 {s['major']} 项，音像记录清单 {s['av']} 项，随机抽查事项 {s['inspection']} 项），"
        f"执法流程图 {s['procedures']} 张"
    )
