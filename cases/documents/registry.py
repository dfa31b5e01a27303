"""The 执法文书 the platform can produce (issue #4 item 4; regulations.md §4).

Each ``DocType`` says what the officer fills in (``fields``, Chinese labels), how the document is numbered
(``prefix``, §4.4: 机关简称 + 类别 + 〔年份〕 + 序号 + 号; ``None`` = not numbered, e.g. 笔录), which procedures and
steps it belongs to, which layout it is printed in (``letter`` 通知书/决定书, ``form`` 审批表/报告 as a table, ``record``
笔录 with "第 页 共 页"), and which statutory content rule (``cases.documents.rules``) must pass before it is issued.

``title`` is the name the process YAMLs use in a step's ``documents:`` list; ``aliases`` map the other names the
YAMLs use for the same document (``for_step_title``).
"""

from __future__ import annotations

from dataclasses import dataclass

PENALTY = ("penalty_general",)
SIMPLE = ("penalty_simple",)
LICENSING = ("licensing",)
INSPECTION = ("inspection",)
PENALTY_ALL = ("penalty_general", "penalty_simple")
ANY = ("penalty_general", "penalty_simple", "licensing", "inspection")


@dataclass(frozen=True)
class Field:
    """One field of a 文书. ``kind``: text | textarea | date | datetime | money. ``prefill``: the context key that
    fills it from the case (``cases.documents.context``). ``element``: the statutory element it carries (named in
    the refusal when missing)."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    prefill: str = ""
    help: str = ""
    element: str = ""
    para: str = ""  # letter layout: the paragraph the value is printed in ("经查，{}"); default "标签：值"
    inline: str = ""  # letter layout: printed on the 当事人 line as "，<inline>：值"
    pii: bool = False  # personal data (证件号码、住址、电话): SM4-GCM encrypted inside Document.data


@dataclass(frozen=True)
class DocType:
    code: str
    title: str
    prefix: str | None
    procedures: tuple[str, ...]
    step_ids: tuple[str, ...]
    fields: tuple[Field, ...]
    layout: str = "letter"  # letter | form | record
    aliases: tuple[str, ...] = ()
    addressee: bool = True  # letter: a "当事人：" line heads the body
    rule: str = ""  # name of the content rule in cases.documents.rules (checked when issuing)
    article: str = ""  # the article the document is made under (shown on the form)
    closing: str = (
        ""  # fixed text printed after the fields (rights, 复议/诉讼 wording is a field so it can be checked)
    )
    signatures: tuple[str, ...] = ()  # signature lines (form/record)

    @property
    def numbered(self) -> bool:
        return self.prefix is not None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


# Common fields -----------------------------------------------------------------------------------------------------
PARTY = Field(
    "party_name", "当事人（姓名或名称）", required=True, prefill="party_name", element="当事人姓名或名称"
)
PARTY_ADDRESS = Field(
    "party_address",
    "当事人地址",
    required=True,
    prefill="party_address",
    element="当事人地址",
    inline="地址",
    pii=True,
)
PARTY_ID = Field("party_id", "身份证件号码/统一社会信用代码", prefill="party_id", inline="证件号码", pii=True)
PARTY_REP = Field(
    "party_representative",
    "法定代表人（负责人）",
    prefill="party_representative",
    inline="法定代表人（负责人）",
)
PARTY_PHONE = Field("party_phone", "联系电话", prefill="party_phone", pii=True)
CASE_TITLE = Field("case_title", "案由", required=True, prefill="case_title")
OFFICERS = Field("officers", "执法人员及执法证号", required=True, prefill="officers")
PLACE = Field("place", "地点", required=True)
REMEDY = Field(
    "remedy",
    "申请行政复议、提起行政诉讼的途径和期限",
    "textarea",
    required=True,
    prefill="remedy",
    element="申请行政复议、提起行政诉讼的途径和期限",
)
CONTACT = Field("contact", "联系人及联系电话", prefill="contact")
APPLICANT = Field("party_name", "申请人", required=True, prefill="party_name")
ITEM = Field("item_name", "申请事项", required=True, prefill="item_name")
RECEIVED = Field("received_on", "收到申请日期", "date", prefill="received_on")


def _record_fields(*extra: Field) -> tuple[Field, ...]:
    return (
        CASE_TITLE,
        Field("started_at", "开始时间", "datetime", required=True),
        Field("ended_at", "结束时间", "datetime", required=True),
        PLACE,
        *extra,
        OFFICERS,
        Field("recorder", "记录人", required=True, prefill="lead_officer"),
        Field(
            "identity_shown",
            "表明身份、出示执法证件情况",
            "textarea",
            required=True,
            prefill="identity_shown",
            help="《行政处罚法》第五十五条：出示执法证件并经被询问（检查）人确认",
        ),
        Field(
            "rights_notice", "告知陈述申辩、申请回避权利", "textarea", required=True, prefill="rights_notice"
        ),
    )


_TYPES: list[DocType] = [
    # ---- 行政处罚一般程序 -------------------------------------------------------------------------------------------
    DocType(
        "case_filing",
        "立案审批表",
        "立",
        PENALTY,
        ("file_case",),
        (
            Field("source", "案件来源", required=True, prefill="case_source"),
            CASE_TITLE,
            PARTY,
            PARTY_ADDRESS,
            PARTY_ID,
            PARTY_REP,
            PARTY_PHONE,
            Field("facts", "案情及立案理由", "textarea", required=True, prefill="case_summary"),
            Field("legal_basis", "立案依据", "textarea", prefill="legal_basis"),
            Field("handler_opinion", "承办人意见", "textarea", required=True),
            OFFICERS,
            Field("department_opinion", "承办机构意见", "textarea"),
            Field("leader_opinion", "行政机关负责人审批意见", "textarea"),
        ),
        layout="form",
        article="《行政处罚法》第五十四条",
        signatures=("承办人签名：", "承办机构负责人签名：", "行政机关负责人签名："),
    ),
    DocType(
        "inquiry_record",
        "询问笔录",
        None,
        ("penalty_general", "inspection"),
        ("investigate", "conduct"),
        _record_fields(
            Field("interviewee", "被询问人", required=True, prefill="party_name"),
            Field("interviewee_gender", "性别", prefill="party_gender"),
            Field("interviewee_age", "年龄"),
            Field("interviewee_id", "身份证号", prefill="party_id", pii=True),
            Field("interviewee_work", "工作单位及职务"),
            Field("interviewee_phone", "联系电话", prefill="party_phone", pii=True),
            Field("interviewee_address", "住址", prefill="party_address", pii=True),
            Field("content", "询问内容（问答）", "textarea", required=True),
        ),
        layout="record",
        article="《行政处罚法》第五十五条",
        closing="以上笔录已经被询问人核对（已向被询问人宣读），记录属实。",
        signatures=("被询问人签名：", "询问人签名：", "记录人签名："),
    ),
    DocType(
        "inspection_record",
        "检查（勘验）笔录",
        None,
        ("penalty_general", "inspection"),
        ("investigate", "record", "conduct"),
        _record_fields(
            Field("present_party", "被检查人（当事人）", required=True, prefill="party_name"),
            Field("present_person", "现场负责人/见证人"),
            Field("content", "检查（勘验）情况", "textarea", required=True),
        ),
        layout="record",
        aliases=("现场检查笔录", "勘验笔录", "检查笔录"),
        article="《行政处罚法》第五十五条",
        closing="以上笔录已经当事人（见证人）核对，记录属实。",
        signatures=("当事人（见证人）签名：", "检查人签名：", "记录人签名："),
    ),
    DocType(
        "preservation_notice",
        "先行登记保存证据通知书",
        "登保",
        PENALTY,
        ("preserve",),
        (
            PARTY,
            PARTY_ADDRESS,
            CASE_TITLE,
            Field("items", "先行登记保存的证据（名称、数量、规格）", "textarea", required=True),
            Field("keep_place", "保存地点", required=True),
            Field("keep_period", "保存期限", required=True, prefill="keep_period"),
            Field("approval", "行政机关负责人批准情况", required=True, help="《行政处罚法》第五十六条"),
            CONTACT,
        ),
        article="《行政处罚法》第五十六条",
        closing="在证据可能灭失或者以后难以取得的情况下，经本机关负责人批准，依据《中华人民共和国行政处罚法》"
        "第五十六条的规定，对上述证据先行登记保存，本机关将在七日内作出处理决定。在此期间，当事人或者有关人员"
        "不得销毁或者转移证据。",
    ),
    DocType(
        "preservation_disposal",
        "先行登记保存证据物品处理通知书",
        "登处",
        PENALTY,
        ("preserve_decision",),
        (
            PARTY,
            PARTY_ADDRESS,
            CASE_TITLE,
            Field("preserved_on", "先行登记保存日期", "date", required=True),
            Field("items", "证据物品", "textarea", required=True),
            Field(
                "disposal",
                "处理决定",
                "textarea",
                required=True,
                help="如：解除先行登记保存、予以没收、移送等",
            ),
        ),
        article="《行政处罚法》第五十六条",
    ),
    DocType(
        "penalty_notice",
        "行政处罚事先告知书",
        "罚告",
        PENALTY,
        ("notify",),
        (
            PARTY,
            PARTY_ADDRESS,
            Field(
                "facts",
                "违法事实",
                "textarea",
                required=True,
                prefill="case_summary",
                element="拟作出处罚的事实",
                para="经查，{}",
            ),
            Field(
                "evidence",
                "证据",
                "textarea",
                required=True,
                element="拟作出处罚的证据",
                para="以上事实有下列证据证明：{}",
            ),
            Field(
                "reason_basis",
                "理由和依据",
                "textarea",
                required=True,
                prefill="legal_basis",
                element="理由、依据",
                para="本机关认为，{}",
            ),
            Field(
                "proposed",
                "拟作出的行政处罚内容",
                "textarea",
                required=True,
                prefill="penalty_text",
                element="拟作出的处罚内容",
                para="根据《中华人民共和国行政处罚法》第四十四条的规定，本机关拟对你（单位）作出如下行政处罚：{}。",
            ),
            Field(
                "rights",
                "当事人依法享有的权利",
                "textarea",
                required=True,
                prefill="notice_rights",
                element="陈述、申辩、要求听证的权利",
                para="{}",
            ),
            CONTACT,
        ),
        rule="notice_problems",
        article="《行政处罚法》第四十四条",
    ),
    DocType(
        "statement_record",
        "陈述申辩笔录",
        None,
        PENALTY,
        ("statement",),
        _record_fields(
            Field("speaker", "陈述申辩人", required=True, prefill="party_name"),
            Field("content", "陈述申辩内容", "textarea", required=True),
            Field("review", "复核意见", "textarea"),
        ),
        layout="record",
        article="《行政处罚法》第四十五条",
        closing="以上笔录已经陈述申辩人核对，记录属实。",
        signatures=("陈述申辩人签名：", "执法人员签名：", "记录人签名："),
    ),
    DocType(
        "hearing_notice_rights",
        "行政处罚听证告知书",
        "听告",
        PENALTY,
        ("notify",),
        (
            PARTY,
            PARTY_ADDRESS,
            Field(
                "proposed",
                "拟作出的行政处罚",
                "textarea",
                required=True,
                prefill="penalty_text",
                para="本机关拟对你（单位）作出如下行政处罚：{}。",
            ),
            Field("facts", "违法事实及依据", "textarea", required=True, prefill="legal_basis"),
            Field(
                "rights", "听证权利及申请期限", "textarea", required=True, prefill="hearing_rights", para="{}"
            ),
            CONTACT,
        ),
        aliases=("听证告知书",),
        article="《行政处罚法》第六十三条、第六十四条",
    ),
    DocType(
        "hearing_notice",
        "行政处罚听证通知书",
        "听通",
        PENALTY,
        ("hearing_notice",),
        (
            PARTY,
            PARTY_ADDRESS,
            CASE_TITLE,
            Field("hearing_at", "听证时间", "datetime", required=True),
            Field("hearing_place", "听证地点", required=True),
            Field("presider", "听证主持人", required=True, help="非本案调查人员（《行政处罚法》第六十四条）"),
            Field("clerk", "书记员", required=True),
            Field("public", "是否公开举行", required=True, prefill="hearing_public"),
            Field(
                "notes",
                "注意事项",
                "textarea",
                prefill="hearing_notes",
                help="可委托一至二人代理；无正当理由不出席视为放弃听证",
            ),
            CONTACT,
        ),
        aliases=("举行听证通知书",),
        article="《行政处罚法》第六十四条",
    ),
    DocType(
        "hearing_record",
        "听证笔录",
        None,
        ("penalty_general", "licensing"),
        ("hearing",),
        (
            CASE_TITLE,
            Field("started_at", "开始时间", "datetime", required=True),
            Field("ended_at", "结束时间", "datetime", required=True),
            PLACE,
            Field("presider", "听证主持人", required=True),
            Field("clerk", "书记员", required=True),
            Field("party_present", "当事人及其代理人", required=True, prefill="party_name"),
            Field("investigators", "案件调查人员", required=True, prefill="officers"),
            Field("content", "听证经过（调查人员陈述、当事人申辩和质证）", "textarea", required=True),
            Field(
                "refusal",
                "拒绝签字情况",
                help="当事人或者其代理人拒绝签字或者盖章的，由听证主持人在笔录中注明",
            ),
        ),
        layout="record",
        article="《行政处罚法》第六十四条第（八）项",
        closing="以上笔录已经当事人核对，记录属实。",
        signatures=("当事人（代理人）签名：", "听证主持人签名：", "书记员签名："),
    ),
    DocType(
        "investigation_report",
        "调查终结报告",
        None,
        PENALTY,
        ("investigation_report",),
        (
            CASE_TITLE,
            PARTY,
            PARTY_ADDRESS,
            Field("process", "调查经过", "textarea", required=True),
            Field("facts", "违法事实", "textarea", required=True, prefill="case_summary"),
            Field("evidence", "证据", "textarea", required=True),
            Field("basis", "处罚依据", "textarea", required=True, prefill="legal_basis"),
            Field("discretion", "裁量理由", "textarea"),
            Field("proposal", "处理意见", "textarea", required=True, prefill="penalty_text"),
            OFFICERS,
        ),
        layout="form",
        article="《行政处罚法》第五十七条",
        signatures=("承办人签名：", "承办机构负责人意见及签名："),
    ),
    DocType(
        "legal_review_opinion",
        "法制审核意见书",
        "法审",
        ("penalty_general", "licensing"),
        ("legal_review",),
        (
            CASE_TITLE,
            Field("review_number", "审核编号", required=True),
            Field("department", "承办科室", required=True),
            Field("submitted_on", "送审日期", "date", required=True),
            Field("round", "送审轮次", required=True),
            Field("proposal", "拟作出的决定", "textarea", required=True),
            Field("points", "审核要点", "textarea", required=True),
            Field("conclusion", "审核结论", required=True),
            Field("action", "处理意见"),
            Field("reasons", "审核意见及理由", "textarea"),
            Field("reviewer", "法制审核人员", required=True),
        ),
        layout="form",
        aliases=("重大行政许可法制审核意见书",),
        addressee=False,
        article="《行政处罚法》第五十八条；玉溪市司法局三项制度工作方案二（三）",
        signatures=("法制审核人员签名：", "法制审核机构负责人签名："),
    ),
    DocType(
        "collective_discussion",
        "重大复杂案件集体讨论笔录",
        None,
        PENALTY,
        ("collective",),
        (
            CASE_TITLE,
            Field("started_at", "讨论时间", "datetime", required=True),
            PLACE,
            Field("presider", "主持人", required=True),
            Field("attendees", "出席人员", "textarea", required=True),
            Field("recorder", "记录人", required=True),
            Field("reporter", "汇报人", required=True, prefill="lead_officer"),
            Field("content", "讨论记录", "textarea", required=True),
            Field("conclusion", "讨论决定", "textarea", required=True),
        ),
        layout="record",
        aliases=("案件集体讨论笔录",),
        article="《行政处罚法》第五十七条第二款",
        signatures=("出席人员签名：", "记录人签名："),
    ),
    DocType(
        "penalty_decision",
        "行政处罚决定书",
        "罚决",
        PENALTY,
        ("decide",),
        (
            PARTY,
            PARTY_ADDRESS,
            PARTY_ID,
            PARTY_REP,
            Field(
                "facts",
                "违法事实",
                "textarea",
                required=True,
                prefill="case_summary",
                element="违法事实",
                para="经查，{}",
            ),
            Field(
                "evidence",
                "证据",
                "textarea",
                required=True,
                element="证据",
                para="以上事实有下列证据证明：{}",
            ),
            Field(
                "basis",
                "处罚依据",
                "textarea",
                required=True,
                prefill="legal_basis",
                element="行政处罚的依据",
                para="本机关认为，当事人的上述行为违反了法律、法规、规章的规定。依据{}的规定，本机关决定：",
            ),
            Field(
                "penalty",
                "处罚种类和内容",
                "textarea",
                required=True,
                prefill="penalty_text",
                element="行政处罚的种类",
                para="对当事人作出如下行政处罚：{}。",
            ),
            Field(
                "performance",
                "履行方式和期限",
                "textarea",
                required=True,
                prefill="performance",
                element="行政处罚的履行方式和期限",
                para="履行方式和期限：{}",
            ),
            REMEDY,
        ),
        rule="decision_problems",
        article="《行政处罚法》第五十九条",
    ),
    DocType(
        "no_penalty_decision",
        "不予行政处罚决定书",
        "不罚决",
        PENALTY,
        ("decide",),
        (
            PARTY,
            PARTY_ADDRESS,
            Field("facts", "查明的事实", "textarea", required=True, prefill="case_summary"),
            Field(
                "reason", "不予处罚的理由和依据", "textarea", required=True, help="如《行政处罚法》第三十三条"
            ),
            Field("education", "批评教育内容", "textarea"),
            REMEDY,
        ),
        rule="remedy_problems",
        article="《行政处罚法》第三十三条、第五十七条",
    ),
    DocType(
        "service_receipt",
        "送达回证",
        None,
        ANY,
        ("notify", "serve", "refuse", "issue"),
        (
            Field("served_document", "送达文书名称及文号", required=True),
            Field("recipient", "受送达人", required=True, prefill="party_name"),
            Field("service_address", "送达地点", required=True, prefill="party_address", pii=True),
            Field("service_method", "送达方式", required=True, prefill="service_method"),
            Field("served_at", "送达时间", "datetime", required=True),
            Field("server", "送达人", required=True, prefill="officers"),
            Field("signer", "受送达人签收", help="本人签名或盖章；代收人注明与受送达人的关系"),
            Field("remark", "备注", "textarea", help="拒收的，注明情况并由见证人签名（留置送达）"),
        ),
        layout="form",
        aliases=("行政处罚文书送达回证",),
        article="《行政处罚法》第六十一条",
        signatures=("受送达人签名（盖章）：", "送达人签名："),
    ),
    DocType(
        "closing_report",
        "行政处罚案件结案报告",
        None,
        PENALTY,
        ("close",),
        (
            CASE_TITLE,
            PARTY,
            Field("decision", "处理决定及文号", "textarea", required=True, prefill="penalty_text"),
            Field("execution", "执行情况", "textarea", required=True),
            Field("closing_reason", "结案理由", "textarea", required=True),
            OFFICERS,
            Field("leader_opinion", "行政机关负责人审批意见", "textarea"),
        ),
        layout="form",
        aliases=("结案报告", "结案审批表"),
        article="《行政处罚法》第四十七条",
        signatures=("承办人签名：", "行政机关负责人签名："),
    ),
    # ---- 行政处罚简易程序 -------------------------------------------------------------------------------------------
    DocType(
        "simple_decision",
        "当场行政处罚决定书",
        "简罚",
        SIMPLE,
        ("decide", "file_record"),
        (
            PARTY,
            PARTY_ADDRESS,
            PARTY_ID,
            Field("facts", "违法行为", "textarea", required=True, prefill="case_summary", element="违法行为"),
            Field(
                "basis",
                "行政处罚依据",
                "textarea",
                required=True,
                prefill="legal_basis",
                element="行政处罚依据",
            ),
            Field(
                "penalty",
                "处罚内容（警告/罚款数额）",
                required=True,
                prefill="penalty_text",
                element="罚款数额",
            ),
            Field("acted_at", "时间", "datetime", required=True, element="时间"),
            Field("place", "地点", required=True, element="地点"),
            Field("performance", "履行方式和期限", "textarea", required=True, prefill="performance"),
            REMEDY,
            Field(
                "officers",
                "执法人员及执法证号",
                required=True,
                prefill="officers",
                element="执法人员签名或者盖章",
            ),
        ),
        aliases=("当场行政处罚决定书（备案联）", "当场处罚决定书"),
        rule="simple_decision_problems",
        article="《行政处罚法》第五十二条",
        signatures=("当事人签收：", "执法人员签名："),
    ),
    # ---- 行政许可 ---------------------------------------------------------------------------------------------------
    DocType(
        "supplement_notice",
        "补正材料通知书",
        "补正",
        LICENSING,
        ("supplement",),
        (
            APPLICANT,
            ITEM,
            RECEIVED,
            Field(
                "materials",
                "需要补正的全部内容",
                "textarea",
                required=True,
                help="一次告知（《行政许可法》第三十二条）",
            ),
            Field("deadline", "补正期限", required=True),
            CONTACT,
        ),
        article="《行政许可法》第三十二条",
        closing="请按照上述要求一次性补正申请材料。逾期不补正的，视为放弃申请。",
    ),
    DocType(
        "acceptance_notice",
        "受理通知书",
        "受",
        LICENSING,
        ("accepted",),
        (
            APPLICANT,
            ITEM,
            RECEIVED,
            Field("accepted_on", "受理日期", "date", required=True, prefill="today"),
            Field("time_limit", "办理期限", required=True, prefill="time_limit"),
            CONTACT,
        ),
        article="《行政许可法》第三十二条",
        closing="经审查，你（单位）提交的申请材料齐全、符合法定形式，本机关决定予以受理。",
    ),
    DocType(
        "non_acceptance_notice",
        "不予受理通知书",
        "不受",
        LICENSING,
        ("not_accepted",),
        (
            APPLICANT,
            ITEM,
            RECEIVED,
            Field("reason", "不予受理的理由", "textarea", required=True),
            Field("advice", "告知向有关行政机关申请", "textarea"),
            REMEDY,
        ),
        aliases=("不予受理决定书",),
        rule="remedy_problems",
        article="《行政许可法》第三十二条",
    ),
    DocType(
        "license_grant",
        "准予行政许可决定书",
        "许决",
        LICENSING,
        ("decide",),
        (
            APPLICANT,
            ITEM,
            RECEIVED,
            Field("content", "准予许可的内容", "textarea", required=True),
            Field("basis", "依据", "textarea", required=True, prefill="legal_basis"),
            Field("certificate", "许可证件及领取方式", "textarea", prefill="certificate_text"),
        ),
        article="《行政许可法》第三十八条第一款",
    ),
    DocType(
        "license_refusal",
        "不予行政许可决定书",
        "不许决",
        LICENSING,
        ("decide", "refuse"),
        (
            APPLICANT,
            ITEM,
            RECEIVED,
            Field("reason", "不予许可的理由", "textarea", required=True, element="不予许可的理由"),
            Field("basis", "依据", "textarea", required=True, prefill="legal_basis"),
            REMEDY,
        ),
        rule="refusal_problems",
        article="《行政许可法》第三十八条第二款",
    ),
    # ---- 行政检查 ---------------------------------------------------------------------------------------------------
    DocType(
        "inspection_notice",
        "行政检查通知书",
        "检通",
        INSPECTION,
        ("notice",),
        (
            Field("party_name", "被检查人", required=True, prefill="party_name"),
            PARTY_ADDRESS,
            Field("basis", "检查依据", "textarea", required=True, prefill="legal_basis"),
            Field("content", "检查事项和内容", "textarea", required=True, prefill="inspection_content"),
            Field("inspect_on", "检查时间", "date", required=True),
            Field("officers", "检查人员及执法证号", required=True, prefill="officers"),
            Field("prepare", "需准备的材料", "textarea"),
            CONTACT,
        ),
        article="司法部《行政检查文书基本格式文本（试行）》；《行政处罚法》第五十五条",
        closing="检查人员将出示执法证件。被检查人应当如实提供有关情况和材料，不得拒绝、阻挠。",
    ),
]

REGISTRY: dict[str, DocType] = {t.code: t for t in _TYPES}
_BY_TITLE: dict[str, DocType] = {}
for _t in _TYPES:
    for _name in (_t.title, *_t.aliases):
        assert _name not in _BY_TITLE, f"duplicate 文书名称 {_name}"
        _BY_TITLE[_name] = _t


def get(code: str) -> DocType:
    try:
        return REGISTRY[code]
    except KeyError:
        from core.errors import SanxiangError

        raise SanxiangError(
            f"文书类型：未知的文书类型“{code}”", field="doc_type", code="unknown_doc_type"
        ) from None


def for_step_title(title: str) -> DocType | None:
    """The document type a process YAML means by ``title`` (a step's ``documents:`` entry), or None."""
    return _BY_TITLE.get(title.strip())


def for_procedure(procedure: str) -> list[DocType]:
    return [t for t in _TYPES if procedure in t.procedures]


def all_types() -> list[DocType]:
    return list(_TYPES)


__all__ = ["REGISTRY", "DocType", "Field", "all_types", "for_procedure", "for_step_title", "get"]
