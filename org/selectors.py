"""Read-only queries of the org app used by other apps (no state changes here)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from org import rules
from org.models import Certificate, Officer


def is_assignable(officer: Officer, on_date: date) -> bool:
    """Whether ``officer`` may be assigned to an enforcement act on ``on_date``.

    《行政处罚法》第四十二条：行政处罚应当由具有行政执法资格的执法人员实施，执法人员不得少于两人；第五十五条：
    执法人员应当主动出示执法证件. So: an active (在岗) officer whose current, reviewed 执法证 has
    org.rules.certificate_effective_status(...) == "valid" on that day and is already in force (valid_from ≤ day).
    Pending (unreviewed) certificates give no 资格. Callers assigning an act still check the “不少于两人” count.
    """
    if not officer.is_active:
        return False
    cert = officer.current_certificate()
    if cert is None or cert.valid_from > on_date:
        return False
    return rules.certificate_effective_status(cert.status, cert.valid_until, on_date) == rules.VALID


def assignable_officers(agency_id: int, on_date: date) -> QuerySet[Officer]:
    """The officers of ``agency_id`` who may be assigned to an enforcement act on ``on_date``: the database form of
    ``is_assignable`` (the same rule; tests check that both agree). 《行政处罚法》第四十二条（执法人员不得少于两人，
    应当持有执法证件）."""
    # a stored-'valid' certificate is effectively valid exactly when valid_until >= on_date (last day included)
    certified = Certificate.objects.filter(
        is_current=True,
        status=Certificate.Status.VALID,
        valid_from__lte=on_date,
        valid_until__gte=on_date,
    ).values("officer_id")
    return Officer.objects.filter(agency_id=agency_id, is_active=True, pk__in=certified)
