"""Who supervises whom (《行政执法监督条例》第二条、第六条).

A region's 司法局 (an agency with ``is_supervision_body``) supervises every agency of its region and of
the regions below it; so the 市司法局 supervises the city's departments, the county governments'
departments and the county 司法局s. Other agencies supervise nobody.
"""

from __future__ import annotations

from core import rules
from core.models import Agency, Region


def supervised_agency_ids(agency: Agency) -> set[int]:
    """The ids of the agencies ``agency`` supervises (itself included), or an empty set."""
    if not agency.is_supervision_body:
        return set()
    parent_of = dict(Region.objects.values_list("id", "parent_id"))
    regions = rules.region_subtree(agency.region_id, parent_of)
    return set(Agency.objects.filter(region_id__in=regions).values_list("id", flat=True))


def supervises(supervisor: Agency, target: Agency) -> bool:
    return target.id in supervised_agency_ids(supervisor)
