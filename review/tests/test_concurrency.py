"""Two reviewers answering the same submission at the same moment: exactly one opinion wins (row lock on the
review + the one-to-one Opinion.submission), the other is told to refresh."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from core.errors import SanxiangError
from review import actions
from review.models import Opinion, Review
from review.tests import factories as f


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_opinions_by_two_reviewers_do_not_both_win(case_world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks under concurrency need PostgreSQL (SQLite's shared-cache test DB fails at once)"
        )
    case = f.case_at_review(case_world)
    review = actions.submit(case_world.users["zhangsan"], case, **f.submission_kwargs(case), on=f.DAY)
    reviewers = [f.qualified_reviewer(case_world), f.second_reviewer(case_world)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(user, conclusion: str) -> None:
        try:
            barrier.wait()
            checklist = f.all_ok() if conclusion == "agree" else f.with_problem()
            actions.give_opinion(
                user,
                Review.objects.get(pk=review.pk),
                round=1,
                conclusion=conclusion,
                action="" if conclusion == "agree" else "revise",
                checklist=checklist,
                reasons="意见",
                on=f.DAY,
            )
            result = "won"
        except SanxiangError as exc:
            result = f"refused:{exc.code}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=worker, args=(reviewers[0], "agree")),
        threading.Thread(target=worker, args=(reviewers[1], "problem")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused:stale", "won"]
    assert Opinion.objects.filter(review=review).count() == 1
    review.refresh_from_db()
    winner = Opinion.objects.get(review=review)
    assert review.state == (Review.State.APPROVED if winner.conclusion == "agree" else Review.State.RETURNED)
