"""Permission-matrix entries of the evidence app.

Reading (list, item page, player, download) needs ``case.read`` on the case's agency; upload and 作废 need
``case.handle``; an upload session is continued only by the officer who began it. The resolvers create an open
case of the 市司法局 (cases.tests.factories.make_case), an evidence item on it (evidence.actions.add_file) and
an upload begun by 张三.
"""

from __future__ import annotations

from typing import Any

from tests.matrix import Rule, api, staff

# case.read at the 市司法局: officers, 科长, 法制审核员, 分管领导, 局长 and the 公示审核员 (not 监督员 or the 三员).
READERS = {"zhangsan", "zhaoliu", "kezhang", "lisi", "fenguan", "juzhang", "gongshi"}
# case.handle: the same without the 公示审核员.
HANDLERS = READERS - {"gongshi"}
UPLOADER = {"zhangsan"}
CASE = {"case_pk": "evidence_case:玉司"}
ITEM = {"pk": "evidence_item:玉司"}
SESSION = {"pk": "evidence_upload:玉司"}

ENTRIES: dict[str, Rule] = {
    "evidence:case_items": staff(READERS, kwargs=CASE),
    "evidence:upload": staff(HANDLERS, kwargs=CASE),
    "evidence:upload_begin": staff(HANDLERS, kwargs=CASE, post_only=True),
    "evidence:upload_status": staff(UPLOADER, kwargs=SESSION),
    "evidence:upload_chunk": staff(UPLOADER, kwargs=SESSION, post_only=True),
    "evidence:upload_finish": staff(UPLOADER, kwargs=SESSION, post_only=True),
    "evidence:upload_abort": staff(UPLOADER, kwargs=SESSION, post_only=True),
    "evidence:item": staff(READERS, kwargs=ITEM),
    "evidence:item_stream": staff(READERS, kwargs=ITEM),
    "evidence:item_download": staff(READERS, kwargs=ITEM),
    "evidence:item_void": staff(HANDLERS, kwargs=ITEM),
    "api:evidence_items": api(READERS, kwargs={"case_id": "evidence_case:玉司"}),
    "api:evidence_item": api(READERS, kwargs={"item_id": "evidence_item:玉司"}),
    "api:evidence_download": api(READERS, kwargs={"item_id": "evidence_item:玉司"}),
    "api:evidence_void": api(HANDLERS, kwargs={"item_id": "evidence_item:玉司"}, post_only=True),
    "api:evidence_upload_begin": api(HANDLERS, kwargs={"case_id": "evidence_case:玉司"}, post_only=True),
    "api:evidence_upload_status": api(UPLOADER, kwargs={"upload_id": "evidence_upload:玉司"}),
    "api:evidence_upload_chunk": api(UPLOADER, kwargs={"upload_id": "evidence_upload:玉司"}, post_only=True),
    "api:evidence_upload_finish": api(UPLOADER, kwargs={"upload_id": "evidence_upload:玉司"}, post_only=True),
    "api:evidence_upload_abort": api(UPLOADER, kwargs={"upload_id": "evidence_upload:玉司"}, post_only=True),
}


def _officer(short_name: str) -> Any:
    from accounts.models import User

    return User.objects.filter(agency__short_name=short_name, roles__role="officer").order_by("pk").first()


def _case(short_name: str) -> Any:
    from cases.models import Case
    from cases.tests.factories import make_case
    from catalog.models import Item
    from catalog.tests.matrix import _item

    existing = Case.objects.filter(agency__short_name=short_name, status="open").order_by("pk").first()
    if existing is not None:
        return existing
    item = Item.objects.get(pk=_item(short_name))
    return make_case(_officer(short_name), item, "penalty_general")


def _case_pk(short_name: str) -> int:
    return int(_case(short_name).pk)


def _item_pk(short_name: str) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence import actions
    from evidence.models import EvidenceItem

    case = _case(short_name)
    existing = EvidenceItem.objects.filter(case=case).first()
    if existing is not None:
        return int(existing.pk)
    video = SimpleUploadedFile("matrix.mp4", b"sanxiang permission matrix evidence", content_type="video/mp4")
    item = actions.add_file(_officer(short_name), case, video, kind="audiovisual", title="权限矩阵测试视频")
    return int(item.pk)


def _upload_pk(short_name: str) -> str:
    from evidence import actions

    case = _case(short_name)
    session = actions.begin_upload(
        _officer(short_name), case, filename="matrix.mp4", size=1024, metadata={"kind": "audiovisual"}
    )
    return str(session.pk)


RESOLVERS: dict[str, Any] = {
    "evidence_case": _case_pk,
    "evidence_item": _item_pk,
    "evidence_upload": _upload_pk,
}
