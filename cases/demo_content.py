"""Demo 执法案件 of the 玉溪市司法局 (and one of the 红塔区司法局), run through the actions with dates in the past, so
every step, officer, clock, 文书, 音像记录 and the 电子案卷 are real and audited:

(a) a 一般程序 penalty from 案源登记 to 结案, with its 文书 issued, an 音像记录 per recorded act (a short WAV file made
    here with the ``wave`` module: no video encoder on the server) and its 电子案卷 generated; its 法制审核 takes two
    rounds (李四 returns the 决定书代拟稿 for 修改, 张三 resubmits, 李四 agrees) before the decision can be made;
(b) two open 一般程序 cases at 调查取证 — one whose 90-day limit (《行政处罚法》第六十条) is near (yellow), one overdue (red);
(c) a 简易程序 case (当场处罚 100 元, 《行政处罚法》第五十一条);
(d) a 许可 application filed online (seed 二(二)1–2), waiting at 受理审查;
(e) a 行政检查 at 实施检查;
and one 一般程序 case at 红塔区司法局 (王五).

All names, ID numbers and addresses are invented. Idempotent: nothing is loaded when the demo cases exist.
"""

from __future__ import annotations

import importlib.util
import io
import math
import struct
import wave
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseStep
from catalog.models import Item
from core.models import Agency
from org.models import Officer
from publicity.rules import PUBLISHED

MARK = "【演示】"
CITY = "玉司"
COUNTY = "红司"
SOURCE_TEXT = f"{MARK}群众投诉"


def tone_wav(seconds: float = 1.0, rate: int = 8000, freq: float = 440.0) -> bytes:
    """A short mono 16-bit WAV tone (the demo 音像记录 file)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
            for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return buffer.getvalue()


def _u(username: str) -> User:
    return User.objects.select_related("agency").get(username=username)


def _officer(username: str) -> Officer:
    return Officer.objects.get(user__username=username)


def _item(agency: Agency, category: str) -> Item | None:
    items = Item.objects.filter(agency=agency, state=PUBLISHED, is_abolished=False, category=category)
    return items.filter(is_major=False).order_by("code").first() or items.order_by("code").first()


def _engine() -> Any:
    from cases.actions import case as engine

    return engine


class Runner:
    """Drives one case through the actions with past dates."""

    def __init__(self, case: Case, officers: list[Officer], av: bytes) -> None:
        self.case = case
        self.officers = officers
        self.av = av

    def acts(self) -> list[dict[str, Any]]:
        return [
            {"officer_id": o.pk, "showed_certificate": True, "informed_rights": True, "is_lead": i == 0}
            for i, o in enumerate(self.officers)
        ]

    def row(self) -> CaseStep:
        from cases.selectors import current_step_row

        return current_step_row(self.case)

    def refresh(self) -> Case:
        self.case.refresh_from_db()
        return self.case

    def av_record(self, user: User, on: date, title: str) -> None:
        """Upload the 音像记录 of the current step (evidence.actions.add_file)."""
        from evidence.actions import add_file

        row = self.row()
        at = timezone.make_aware(datetime.combine(on, datetime.min.time()).replace(hour=10))
        add_file(
            user,
            self.case,
            SimpleUploadedFile(f"{row.name}音像记录.wav", self.av, content_type="audio/wav"),
            kind="audiovisual",
            purpose="av_record",
            title=title or f"{row.name}执法记录仪录音",
            case_step=row,
            collected_at=at,
            collected_place="玉溪市红塔区某律师事务所办公场所",
            device="执法记录仪 DSJ-YX01",
            collected_by="、".join(o.name for o in self.officers),
        )

    def evidence(self, user: User, title: str, body: str, on: date) -> None:
        """A 书证 collected at the current step (a text file standing in for the scanned copy)."""
        from evidence.actions import add_file

        add_file(
            user,
            self.case,
            SimpleUploadedFile(f"{title}.txt", body.encode("utf-8"), content_type="text/plain"),
            kind="documentary",
            purpose="evidence",
            title=title,
            description=body,
            case_step=self.row(),
            collected_at=timezone.make_aware(datetime.combine(on, datetime.min.time()).replace(hour=11)),
            collected_place="玉溪市红塔区某律师事务所办公场所",
            collected_by="、".join(o.name for o in self.officers),
        )

    def material(self, user: User, title: str, body: str) -> None:
        """A paper the system does not generate (e.g. 案件处理内部审批表), attached as a material."""
        from evidence.actions import add_file

        add_file(
            user,
            self.case,
            SimpleUploadedFile(f"{title}.txt", body.encode("utf-8"), content_type="text/plain"),
            kind="documentary",
            purpose="other",
            title=title,
            case_step=self.row(),
        )

    def advance(
        self, user: User, to: str, on: date, *, officers: bool = True, note: str = "", **kw: Any
    ) -> None:
        _engine().advance(
            user, self.case, to=to, officers=self.acts() if officers else None, note=note, on=on, **kw
        )
        self.refresh()

    def document(self, user: User, doc_type: str, on: date, data: dict[str, Any]) -> Any:
        from cases.actions.documents import create_document, issue_document

        doc = create_document(user, self.case, doc_type, data=data, on=on)
        return issue_document(user, doc, on=on)


def _officer_text(officers: list[Officer]) -> str:
    parts = []
    for o in officers:
        cert = o.current_certificate()
        parts.append(f"{o.name}（执法证号：{cert.number if cert else ''}）")
    return "、".join(parts)


def _party(name: str, id_number: str, *, kind: str = "citizen", rep: str = "") -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "id_type": "居民身份证" if kind == "citizen" else "统一社会信用代码",
        "id_number": id_number,
        "phone": "0877-2000000",
        "address": "云南省玉溪市红塔区演示路1号",
        "legal_representative": rep,
    }


# Invented identifiers with valid check characters (GB 11643-1999 / GB 32100-2015).
FIRM_USCC = "91530400MA6K00001J"
ORG_USCC = "52530400MJ00000210"
PERSON = ("李某（演示）", "530402198805060014")
PERSON_2 = ("王某（演示）", "530402197509120022")
PERSON_3 = ("刘某（演示）", "530402199202140036")


def _firm_party() -> dict[str, Any]:
    return _party("玉溪某某律师事务所（演示）", FIRM_USCC, kind="legal_person", rep="张某")


def _open(
    user: User, item: Item, procedure: str, title: str, on: date, parties: list[dict[str, Any]], **kw: Any
) -> Case:
    return _engine().open_case(
        user,
        item=item,
        procedure=procedure,
        title=f"{title}",
        parties=parties,
        source=kw.pop("source", SOURCE_TEXT),
        summary=kw.pop("summary", f"{MARK}演示案件，人物与单位均为虚构。"),
        on=on,
        **kw,
    )


def _to_investigation(r: Runner, start: date, filed: date, zhangsan: User, kezhang: User) -> None:
    """案源登记 → 立案审批 (立案审批表) → 立案 on ``filed``: the 90-day clock starts."""
    engine = _engine()
    engine.assign_officers(zhangsan, r.case, [o.pk for o in r.officers], lead_id=r.officers[0].pk, on=start)
    r.advance(zhangsan, "file_case", start, officers=False, note="经初步核实，涉嫌违法，建议立案")
    r.document(
        zhangsan,
        "case_filing",
        filed,
        {
            "facts": "经初步核实，当事人涉嫌未按规定履行管理职责。",
            "handler_opinion": "符合立案条件，建议立案调查。",
            "source": "群众投诉",
        },
    )
    r.advance(kezhang, "investigate", filed, officers=False, note="同意立案")


@dataclass(frozen=True)
class PenaltyText:
    """The text of one demo penalty case, used in its 文书 and in its 法制审核 送审材料."""

    facts: str
    evidence: str
    basis: str
    proposed: str  # e.g. "警告，并处罚款人民币五千元"
    interviewee: str = "张某（律师事务所主任）"
    content: str = "问：你所是否建立执业管理制度？答：已建立但未落实……"
    exhibit: str = "律师事务所执业管理制度及执业活动登记簿（复印件）"  # the 书证 collected


def to_legal_review(
    r: Runner,
    start: date,
    at: date,
    zhangsan: User,
    kezhang: User,
    text: PenaltyText,
    *,
    complex_case: bool = False,
) -> Any:
    """Drive a 一般程序 case opened on ``start`` (at least 17 days before ``at``) to 法制审核, entered on ``at``:
    立案, 询问笔录 and a 书证 with 音像记录, 调查终结报告, 事先告知 and the party's silence. Returns the issued
    调查终结报告 (a required 送审材料)."""
    _to_investigation(r, start, start + timedelta(days=1), zhangsan, kezhang)
    d = start + timedelta(days=8)
    r.av_record(zhangsan, d, "调查取证执法记录仪录音")
    r.evidence(zhangsan, text.exhibit, text.facts, d)
    r.document(
        zhangsan,
        "inquiry_record",
        d,
        {
            "started_at": f"{d.isoformat()}T09:30",
            "ended_at": f"{d.isoformat()}T10:40",
            "place": "玉溪市司法局律师工作管理科询问室",
            "interviewee": text.interviewee,
            "content": text.content,
            "recorder": r.officers[1].name,
            "identity_shown": "执法人员已出示执法证件",
            "rights_notice": "已告知陈述、申辩和申请回避的权利",
        },
    )
    r.advance(zhangsan, "investigation_report", d, note="调查终结")
    d += timedelta(days=2)
    report = r.document(
        zhangsan,
        "investigation_report",
        d,
        {
            "process": "立案后执法人员进行了现场检查和询问，调取了书证。",
            "facts": text.facts,
            "evidence": text.evidence,
            "basis": text.basis,
            "proposal": f"建议给予{text.proposed}。",
        },
    )
    r.advance(
        kezhang,
        "notify",
        d,
        officers=False,
        note="同意调查终结，拟给予行政处罚"
        + ("；本案情节复杂，须负责人集体讨论决定" if complex_case else ""),
        data={"is_complex": True} if complex_case else None,
    )
    d += timedelta(days=1)
    r.av_record(zhangsan, d, "事先告知过程录音")
    r.document(
        zhangsan,
        "penalty_notice",
        d,
        {
            "facts": text.facts,
            "evidence": text.evidence,
            "reason_basis": text.basis,
            "proposed": text.proposed,
            "rights": "你（单位）可在收到本告知书之日起五日内提出陈述、申辩；符合听证条件的，可以要求听证。",
        },
    )
    r.advance(
        zhangsan,
        "legal_review",
        max(at, d + timedelta(days=6)),
        note="当事人期限内未提出陈述申辩，报送法制审核",
    )
    return report


FULL_TEXT = PenaltyText(
    facts="当事人未按规定对本所律师执业活动进行监督管理。",
    evidence="询问笔录、书证、执法记录仪录音。",
    basis="《律师法》第五十条",
    proposed="警告，并处罚款人民币五千元",
)


def _full_penalty(city: Agency, item: Item, today: date, av: bytes, stdout: TextIO) -> Case | None:
    """Closed case. Its 法制审核 went through two rounds: 李四 returned it (修改), 张三 resubmitted, 李四 agreed on the
    fourth working day of the review; only then could the decision be made (《行政处罚法》第五十八条)."""
    from review import demo_content as review_demo

    zhangsan, kezhang, lisi, fenguan = _u("zhangsan"), _u("kezhang"), _u("lisi"), _u("fenguan")
    officers = [_officer("zhangsan"), _officer("kezhang")]
    at = review_demo.workday_on_or_after(today - timedelta(days=45))
    d0 = at - timedelta(days=20)
    case = _open(
        zhangsan,
        item,
        "penalty_general",
        "玉溪某某律师事务所疏于管理案（演示）",
        d0,
        [_firm_party()],
        discovered_on=d0 - timedelta(days=2),
    )
    r = Runner(case, officers, av)
    report = to_legal_review(r, d0, at, zhangsan, kezhang, FULL_TEXT)
    proposal = review_demo.penalty_proposal(["warning", "fine"], "5000", FULL_TEXT.proposed)
    review = review_demo.submit(
        zhangsan,
        r.case,
        at,
        FULL_TEXT,
        officers,
        proposal,
        report,
        discretion="情节较轻：初次违法，已部分整改，在法定幅度内从轻处罚（裁量基准第二档）",
        complete_draft=False,
    )
    d = review_demo.wd(at, 2)
    review_demo.opinion(
        lisi,
        review,
        d,
        agree=False,
        flagged={"documents": "决定书代拟稿未写明罚款缴纳方式和期限、申请行政复议和提起行政诉讼的途径和期限"},
        reasons="决定书代拟稿缺少《行政处罚法》第五十九条规定的履行方式和期限、救济途径和期限，请修改后重新报送。",
    )
    d = review_demo.wd(d, 2)
    review_demo.resubmit(
        zhangsan,
        review,
        d,
        FULL_TEXT,
        proposal,
        report,
        response="已按审核意见补全决定书代拟稿第五十九条事项。",
    )
    d = review_demo.wd(d, 2)
    review_demo.opinion(
        lisi, review, d, agree=True, reasons="事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意。"
    )
    review_demo.move_on(r, lisi, d, "decide")
    d = review_demo.wd(d, 1)
    r.material(fenguan, "案件处理内部审批表", "同意给予警告，并处罚款五千元。")
    _engine().record_decision(
        fenguan,
        r.case,
        outcome="penalty",
        penalty_types=["warning", "fine"],
        fine_amount=Decimal("5000"),
        outcome_text="警告，并处罚款人民币五千元。",
        is_complex=False,
    )
    r.refresh()
    r.document(
        fenguan,
        "penalty_decision",
        d,
        {
            "facts": FULL_TEXT.facts,
            "evidence": FULL_TEXT.evidence,
            "penalty": "警告，并处罚款人民币五千元",
            "basis": FULL_TEXT.basis,
            "performance": "自收到本决定书之日起十五日内缴纳罚款。",
        },
    )
    r.advance(fenguan, "serve", d, officers=False, note="作出行政处罚决定")
    d += timedelta(days=1)
    r.av_record(zhangsan, d, "直接送达过程录音")
    r.document(
        zhangsan,
        "service_receipt",
        d,
        {
            "served_document": "行政处罚决定书",
            "recipient": "张某（律师事务所主任）",
            "service_address": "云南省玉溪市红塔区演示路1号",
            "service_method": "直接送达",
            "served_at": f"{d.isoformat()}T15:00",
            "server": _officer_text(officers),
        },
    )
    r.advance(zhangsan, "execute", d, note="直接送达，当事人签收")
    d += timedelta(days=10)
    _engine().close_case(zhangsan, r.case, on=min(d, today))
    return r.refresh()


def _open_penalty(item: Item, today: date, av: bytes, title: str, filed_days_ago: int) -> Case:
    zhangsan, kezhang = _u("zhangsan"), _u("kezhang")
    start = today - timedelta(days=filed_days_ago + 2)
    case = _open(zhangsan, item, "penalty_general", title, start, [_party(*PERSON)])
    r = Runner(case, [_officer("zhangsan"), _officer("zhaoliu")], av)
    _to_investigation(r, start, today - timedelta(days=filed_days_ago), zhangsan, kezhang)
    return r.refresh()


def _simple(item: Item, today: date, av: bytes) -> Case:
    zhangsan = _u("zhangsan")
    d = today - timedelta(days=5)
    case = _open(
        zhangsan,
        item,
        "penalty_simple",
        "律师在法院门口违规招揽业务案（演示）",
        d,
        [_party(*PERSON_2)],
        planned_penalty_types=["fine"],
        planned_fine="100",
    )
    r = Runner(case, [_officer("zhangsan"), _officer("zhaoliu")], av)
    r.av_record(zhangsan, d, "现场执法记录仪录音")
    r.advance(zhangsan, "show_id", d, note="违法事实确凿")
    r.av_record(zhangsan, d, "出示证件录音")
    r.advance(zhangsan, "notify_hear", d)
    r.av_record(zhangsan, d, "告知与陈述申辩录音")
    r.advance(zhangsan, "decide", d, note="当事人未提出新的事实和理由")
    _engine().record_decision(
        zhangsan, r.case, outcome="penalty", penalty_types=["fine"], fine_amount=Decimal("100")
    )
    return r.refresh()


def _licensing(item: Item, today: date) -> Case:
    received = today - timedelta(days=2)
    if importlib.util.find_spec("cases.actions.online") is not None:
        from cases.actions.online import materials_of, online_items, submit_application

        if online_items().filter(pk=item.pk).exists():
            materials = [
                (
                    m.name,
                    SimpleUploadedFile(
                        f"{m.name}.pdf", b"%PDF-1.4\n% demo\n%%EOF\n", content_type="application/pdf"
                    ),
                )
                for m in materials_of(item)
            ]
            return submit_application(  # type: ignore[no-any-return]
                item=item,
                applicant=_party("玉溪某某律师事务所筹备组（演示）", ORG_USCC, kind="other_org", rep="赵某"),
                materials=materials,
                ip="127.0.0.1",
                on=received,
            )
    kezhang = _u("kezhang")
    case = _open(
        kezhang,
        item,
        "licensing",
        "律师事务所设立申请（演示）",
        received,
        [_party(*PERSON_2)],
        channel="online",
        received_on=received,
        application_number="WS-DEMO-0001",
    )
    _engine().advance(kezhang, case, to="intake", on=received)
    case.refresh_from_db()
    return case


def _inspection(item: Item, today: date, av: bytes) -> Case:
    kezhang, zhangsan = _u("kezhang"), _u("zhangsan")
    d = today - timedelta(days=6)
    case = _open(
        kezhang,
        item,
        "inspection",
        "对玉溪某某律师事务所的专项检查（演示）",
        d,
        [_firm_party()],
        source=f"{MARK}年度专项检查计划",
    )
    r = Runner(case, [_officer("zhangsan"), _officer("zhaoliu")], av)
    _engine().assign_officers(kezhang, case, [o.pk for o in r.officers], lead_id=r.officers[0].pk, on=d)
    r.advance(kezhang, "approve", d, officers=False, note="专项检查")
    r.advance(kezhang, "notice", d + timedelta(days=1), officers=False, note="同意检查")
    r.document(
        zhangsan,
        "inspection_notice",
        d + timedelta(days=2),
        {
            "basis": "《律师事务所管理办法》",
            "content": "执业管理制度落实情况",
            "inspect_on": (d + timedelta(days=5)).isoformat(),
        },
    )
    r.advance(zhangsan, "conduct", d + timedelta(days=2), officers=False, note="已送达检查通知书")
    return r.refresh()


def _county(today: date, av: bytes) -> Case | None:
    county = Agency.objects.filter(short_name=COUNTY).first()
    item = _item(county, "penalty") if county else None
    if item is None:
        return None
    wangwu = _u("wangwu")
    d = today - timedelta(days=3)
    case = _open(wangwu, item, "penalty_general", "某法律服务所违规收费案（演示）", d, [_party(*PERSON_3)])
    Runner(case, [_officer("wangwu")], av).advance(wangwu, "file_case", d, officers=False, note="建议立案")
    case.refresh_from_db()
    return case


def _step(name: str, fn: Callable[[], Any], stdout: TextIO) -> Any:
    """One demo case, all or nothing."""
    try:
        with transaction.atomic():
            return fn()
    except Exception as exc:  # one failed demo case must not stop the others (reported, not hidden)
        stdout.write(f"  演示案件“{name}”未能载入：{exc}")
        return None


def _build_dossier(case: Case, stdout: TextIO) -> None:
    """Run the 电子案卷 job that 结案 queued, now (the demo has no ``manage.py db_worker`` running yet)."""
    from cases.actions.dossier import KIND
    from cases.models import Dossier
    from cases.tasks import build_dossier
    from core.models import Job

    job = Job.objects.filter(kind=KIND, params__case_id=case.pk).order_by("-pk").first()
    if job is not None and job.status == Job.Status.QUEUED:
        build_dossier.call(job.pk)
    dossier = Dossier.objects.filter(case=case, blob__isnull=False).first()
    stdout.write(
        f"  一般程序案件已结案：{case.number}，电子案卷"
        + (f"已生成（{dossier.pages} 页）" if dossier else "未生成，请查看后台任务")
    )


def load(stdout: TextIO) -> None:
    city = Agency.objects.filter(short_name=CITY).first()
    if city is None or Case.objects.filter(source__startswith=MARK).exists():
        return
    if importlib.util.find_spec("cases.actions.case") is None:
        stdout.write("  执法案件：办案引擎尚未安装，跳过演示案件")
        return
    today = timezone.localdate()
    av = tone_wav()
    penalty, licensing, inspection = (_item(city, c) for c in ("penalty", "licensing", "inspection"))
    made: list[Case | None] = []
    if penalty is not None:
        closed = _step("一般程序（已结案）", lambda: _full_penalty(city, penalty, today, av, stdout), stdout)
        made.append(closed)
        if closed is not None:
            _build_dossier(closed, stdout)
        made.append(
            _step(
                "一般程序（期限将届满）",
                lambda: _open_penalty(penalty, today, av, "律师事务所未按规定公示信息案（演示）", 88),
                stdout,
            )
        )
        made.append(
            _step(
                "一般程序（已超期）",
                lambda: _open_penalty(penalty, today, av, "律师违规代理案（演示）", 95),
                stdout,
            )
        )
        made.append(_step("简易程序", lambda: _simple(penalty, today, av), stdout))
    if licensing is not None:
        made.append(_step("网上许可申请", lambda: _licensing(licensing, today), stdout))
    if inspection is not None:
        made.append(_step("行政检查", lambda: _inspection(inspection, today, av), stdout))
    made.append(_step("红塔区案件", lambda: _county(today, av), stdout))
    stdout.write(f"  执法案件：载入演示案件 {sum(1 for c in made if c is not None)} 件（人物与单位均为虚构）")
