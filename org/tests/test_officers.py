"""执法人员 and 执法证: drafting, review, publication, redaction, certificate status, renewal, 离岗 (seed 二(一)2)."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import SanxiangError
from core.models import Agency
from org import actions, selectors
from org.models import Certificate, CertificateStatusChange, Officer, OfficerVersion
from org.tests.factories import make_officer, officer_data
from publicity.models import Publication

ID_NUMBER = "530402199001010016"  # checksum-valid, invented
MOBILE = "13908771234"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def hongta(yuxi):
    return Agency.objects.get(short_name="红司")


def _published_officer(persona, agency, **overrides):
    drafter = persona("zhangsan" if agency.short_name == "玉司" else "wangwu")
    officer = actions.save_officer(drafter, agency, None, officer_data(agency, **overrides))
    actions.submit_officer(drafter, officer)
    publication = actions.approve_officer(persona("jiandu"), officer)
    officer.refresh_from_db()
    return officer, publication


def test_happy_path_and_payload_redaction(persona, yuxi, media):
    """张三 registers a colleague at the 市司法局 with internal data; 孙公示 publishes; the public snapshot has only
    the 公示办法 fields."""
    zhangsan, gongshi = persona("zhangsan"), persona("gongshi")
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    data = officer_data(
        yuxi, name="李明", id_number=ID_NUMBER, mobile=MOBILE, cert_number="云执53040020269999"
    )
    officer = actions.save_officer(zhangsan, yuxi, None, data, photo=photo)
    assert officer.photo.startswith("officers/") and officer.photo.endswith(".png")
    assert (media / officer.photo).exists()
    assert officer.pending_certificate() is not None and officer.current_certificate() is None
    assert not selectors.is_assignable(officer, timezone.localdate())  # not reviewed yet
    actions.submit_officer(zhangsan, officer)
    publication = actions.approve_officer(gongshi, officer)
    officer.refresh_from_db()
    assert officer.state == "published"
    assert publication.kind == "officer" and publication.key == "云执53040020269999"
    assert publication.title == "李明" and publication.category == "行政处罚、行政检查"
    assert publication.department == officer.unit == "玉溪市司法局办公室"
    assert set(publication.payload) == {
        "name", "photo", "unit", "agency_name", "position", "categories", "area", "certificate_number",
        "issuer", "valid_from", "valid_until", "status",
    }  # fmt: skip
    assert publication.payload["photo"] == officer.photo
    assert publication.payload["status"] == "valid"
    text = json.dumps(publication.payload, ensure_ascii=False) + publication.search_text
    assert ID_NUMBER not in text and MOBILE not in text and "legal" not in text
    history = json.dumps(list(OfficerVersion.objects.values_list("snapshot", flat=True)), ensure_ascii=False)
    assert ID_NUMBER not in history and MOBILE not in history
    assert selectors.is_assignable(officer, timezone.localdate())
    audit = set(AuditEvent.objects.filter(object_type="org.officer").values_list("action", flat=True))
    assert {"org.officer_created", "org.officer_submitted", "org.officer_approved"} <= audit


def test_wangwu_cannot_register_at_the_city_and_shijianju_cannot_approve(persona, yuxi):
    with pytest.raises(PermissionDenied):
        actions.save_officer(persona("wangwu"), yuxi, None, officer_data(yuxi))
    market = Agency.objects.get(name="玉溪市市场监督管理局")
    shijianju = persona("shijianju")
    officer = actions.save_officer(shijianju, market, None, officer_data(market))
    actions.submit_officer(shijianju, officer)
    with pytest.raises(PermissionDenied):
        actions.approve_officer(shijianju, officer)
    with pytest.raises(PermissionDenied):
        actions.save_officer(persona("wangwu"), market, officer, officer_data(market))
    assert not Publication.objects.filter(kind="officer").exists()


def test_wrong_states_are_refused(persona, yuxi):
    zhangsan, jiandu = persona("zhangsan"), persona("jiandu")
    officer = actions.save_officer(zhangsan, yuxi, None, officer_data(yuxi))
    with pytest.raises(SanxiangError, match="不能审核发布"):
        actions.approve_officer(jiandu, officer)
    actions.submit_officer(zhangsan, officer)
    with pytest.raises(SanxiangError, match="审核完成前不能修改"):
        actions.save_officer(zhangsan, yuxi, officer, officer_data(yuxi))
    actions.return_officer(jiandu, officer, "照片不清晰，请重新上传")
    officer.refresh_from_db()
    assert officer.state == "returned" and officer.return_comment == "照片不清晰，请重新上传"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "53040219900101001X"}, "id_number", "校验位"),
        ({"mobile": "0877123"}, "mobile", "11位手机号码"),
        ({"cert_number": ""}, "cert_number", "第四十二条"),
        ({"cert_number": "云执 1"}, "cert_number", "执法证号"),
        ({"categories": []}, "categories", "至少选择一项"),
        ({"name": ""}, "name", "姓名：必填"),
    ],
)
def test_bad_input_names_the_field(persona, yuxi, overrides, field, message):
    with pytest.raises(SanxiangError, match=message) as exc:
        actions.save_officer(persona("zhangsan"), yuxi, None, officer_data(yuxi, **overrides))
    assert exc.value.field == field
    assert not Officer.objects.exists()


def test_certificate_dates_and_duplicate_number(persona, yuxi):
    today = timezone.localdate()
    zhangsan = persona("zhangsan")
    with pytest.raises(SanxiangError, match="不能早于") as exc:
        actions.save_officer(
            zhangsan,
            yuxi,
            None,
            officer_data(yuxi, cert_valid_from=today, cert_valid_until=today - timedelta(1)),
        )
    assert exc.value.field == "cert_valid_until"
    actions.save_officer(zhangsan, yuxi, None, officer_data(yuxi, cert_number="云执53040020260001"))
    with pytest.raises(SanxiangError, match="已登记在其他执法人员名下"):
        actions.save_officer(zhangsan, yuxi, None, officer_data(yuxi, cert_number="云执53040020260001"))


@pytest.mark.parametrize(
    ("name", "content", "size_ok"),
    [
        ("a.gif", b"GIF89a" + b"\x00" * 20, True),
        ("a.png", b"not really a png", True),
        ("big.png", png_bytes() + b"\x00" * (2 * 1024 * 1024), False),
    ],
)
def test_photo_must_be_jpg_or_png_up_to_2mb(persona, yuxi, media, name, content, size_ok):
    photo = SimpleUploadedFile(name, content)
    message = "JPG 或 PNG" if size_ok else "2 MB"
    with pytest.raises(SanxiangError, match=message) as exc:
        actions.save_officer(persona("zhangsan"), yuxi, None, officer_data(yuxi), photo=photo)
    assert exc.value.field == "photo"
    assert not Officer.objects.exists() and not list(media.rglob("*.*"))


def test_jpeg_photo_is_accepted(persona, yuxi, media):
    photo = SimpleUploadedFile("x.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    officer = actions.save_officer(persona("zhangsan"), yuxi, None, officer_data(yuxi), photo=photo)
    assert officer.photo.endswith(".jpg")


def test_status_changes_are_audited_and_republished(persona, yuxi):
    officer, first = _published_officer(persona, yuxi)
    cert = officer.current_certificate()
    jiandu = persona("jiandu")
    with pytest.raises(SanxiangError, match="理由"):
        actions.change_certificate_status(jiandu, cert, "suspend", "")
    with pytest.raises(PermissionDenied):
        actions.change_certificate_status(persona("gongshi"), cert, "suspend", "涉嫌违法执法被调查")
    with pytest.raises(PermissionDenied):
        actions.change_certificate_status(persona("hongta_jiandu"), cert, "suspend", "涉嫌违法执法被调查")
    actions.change_certificate_status(jiandu, cert, "suspend", "涉嫌违法执法被调查")
    live = Publication.objects.current().get(kind="officer", key=cert.number)
    assert live.version == 2 and live.payload["status"] == "suspended"
    assert live.payload["name"] == first.payload["name"]
    assert not selectors.is_assignable(officer, timezone.localdate())
    with pytest.raises(SanxiangError, match="不能暂扣"):
        actions.change_certificate_status(jiandu, cert, "suspend", "重复暂扣测试")
    actions.change_certificate_status(jiandu, cert, "restore", "调查结束，恢复执法资格")
    assert Publication.objects.current().get(kind="officer", key=cert.number).payload["status"] == "valid"
    assert selectors.is_assignable(officer, timezone.localdate())
    actions.change_certificate_status(jiandu, cert, "revoke", "调离执法岗位，注销证件")
    assert Publication.objects.current().get(kind="officer", key=cert.number).payload["status"] == "revoked"
    with pytest.raises(SanxiangError, match="不能恢复"):
        actions.change_certificate_status(jiandu, cert, "restore", "注销后不得恢复")
    changes = list(CertificateStatusChange.objects.filter(certificate=cert).order_by("id"))
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("valid", "suspended"),
        ("suspended", "valid"),
        ("valid", "revoked"),
    ]
    assert all(c.actor == jiandu for c in changes)
    audit = list(AuditEvent.objects.filter(object_type="org.certificate").values_list("action", flat=True))
    assert audit == ["org.certificate_suspend", "org.certificate_restore", "org.certificate_revoke"]


def test_deactivation_withdraws_the_publication_with_the_reason(persona, yuxi):
    officer, publication = _published_officer(persona, yuxi)
    with pytest.raises(PermissionDenied):
        actions.deactivate_officer(persona("zhangsan"), officer, "调往其他单位工作")
    actions.deactivate_officer(persona("jiandu"), officer, "调往其他单位工作")
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None and publication.withdrawal_reason == "调往其他单位工作"
    officer.refresh_from_db()
    assert not officer.is_active and not selectors.is_assignable(officer, timezone.localdate())
    with pytest.raises(SanxiangError, match="已离岗"):
        actions.submit_officer(persona("zhangsan"), officer)


def test_renewal_keeps_the_old_certificate_until_reviewed(persona, yuxi):
    today = timezone.localdate()
    officer, old_pub = _published_officer(persona, yuxi, cert_valid_until=today + timedelta(days=20))
    old = officer.current_certificate()
    zhangsan = persona("zhangsan")
    with pytest.raises(SanxiangError, match="换发新证请填写新的执法证号"):
        actions.save_officer(
            zhangsan,
            yuxi,
            officer,
            officer_data(yuxi, cert_number=old.number, cert_valid_until=today + timedelta(days=2000)),
        )
    renewal = officer_data(
        yuxi,
        cert_number="云执53040020270001",
        cert_valid_from=today,
        cert_valid_until=today + timedelta(days=1800),
    )
    actions.save_officer(zhangsan, yuxi, officer, renewal)
    assert (
        officer.current_certificate() == old and officer.pending_certificate().number == "云执53040020270001"
    )
    assert selectors.is_assignable(officer, today)  # the old one still counts until the renewal is reviewed
    actions.submit_officer(zhangsan, officer)
    new_pub = actions.approve_officer(persona("jiandu"), officer)
    assert officer.current_certificate().number == "云执53040020270001"
    assert officer.pending_certificate() is None
    assert Certificate.objects.filter(officer=officer).count() == 2
    old_pub.refresh_from_db()
    assert old_pub.withdrawn_at is not None and "云执53040020270001" in old_pub.withdrawal_reason
    assert new_pub.key == "云执53040020270001" and new_pub.is_live


# pages and photo --------------------------------------------------------------------------------------------------


def test_pages_create_with_photo_and_detail_masks_internal_data(login, yuxi, media):
    client = login("zhangsan")
    data = officer_data(yuxi, id_number=ID_NUMBER, mobile=MOBILE)
    data["department"] = data["department"].pk
    data.pop("user")
    data["photo"] = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = client.post(reverse("org:officer_create", args=[yuxi.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    officer = Officer.objects.get()
    page = client.get(reverse("org:officer_detail", args=[officer.pk])).content.decode()
    assert ID_NUMBER not in page and MOBILE not in page and "530402" in page
    photo = client.get(reverse("org:officer_photo", args=[officer.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    client.post(reverse("org:officer_submit", args=[officer.pk]))
    jiandu = login("jiandu")
    assert officer.name in jiandu.get(reverse("org:review_queue")).content.decode()
    jiandu.post(reverse("org:officer_approve", args=[officer.pk]))
    cert = officer.current_certificate()
    assert cert is not None
    response = jiandu.post(
        reverse("org:certificate_status", args=[cert.pk]), {"action": "suspend", "reason": "涉嫌违规执法"}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "suspended"
    listing = jiandu.get(reverse("org:officer_list") + "?cert=suspended").content.decode()
    assert officer.name in listing
    listing = jiandu.get(reverse("org:officer_list") + "?cert=valid").content.decode()
    assert officer.name not in listing


def test_page_upload_refuses_gif_in_chinese(login, yuxi, media):
    client = login("zhangsan")
    data = officer_data(yuxi)
    data["department"] = data["department"].pk
    data.pop("user")
    data["photo"] = SimpleUploadedFile("me.gif", b"GIF89a" + b"\x00" * 10)
    response = client.post(reverse("org:officer_create", args=[yuxi.pk]), data)
    assert response.status_code == 200 and "只接受 JPG 或 PNG 图片" in response.content.decode()
    assert not Officer.objects.exists()


def test_officer_list_is_scoped(login, yuxi, hongta):
    make_officer(yuxi, name="市局人员")
    make_officer(hongta, name="红塔人员")
    page = login("wangwu").get(reverse("org:officer_list")).content.decode()
    assert "红塔人员" in page and "市局人员" not in page
    page = login("jiandu").get(reverse("org:officer_list")).content.decode()
    assert "红塔人员" in page and "市局人员" in page
