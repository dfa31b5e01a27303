"""Pure rules of evidence handling: each rule in one function, refusal texts in Chinese (no database access)."""

from __future__ import annotations

MAX_UPLOAD_BYTES = 4 * 1024**3  # 4 GB per file (issue #4: 执法记录仪 videos)
MIN_VOID_REASON = 5


def upload_size_problem(size: int) -> str | None:
    """A file of ``size`` bytes may be uploaded when 1 ≤ size ≤ 4 GB (4 × 1024³ bytes); else the reason.

    The limit keeps one upload within what a 执法记录仪 export needs (《行政处罚法》第四十六条 视听资料、电子数据)
    while bounding the part files kept for resumable uploads."""
    if size <= 0:
        return "文件大小：文件为空，不能作为证据上传"
    if size > MAX_UPLOAD_BYTES:
        return f"文件大小：单个文件不能超过 4 GB（{MAX_UPLOAD_BYTES} 字节），本文件为 {size} 字节"
    return None


def archived_problem(status: str, status_label: str, verb: str) -> str | None:
    """Evidence of a case may change only while the case is 办理中: a closed or ended case is archived
    (《行政处罚法》第四十七条：全过程记录，归档保存), so nothing is added or 作废 afterwards."""
    if status != "open":
        return f"案件{status_label}，电子案卷已归档，不能再{verb}（《行政处罚法》第四十七条 归档保存）"
    return None


def void_reason_problem(reason: str) -> str | None:
    """作废 needs a stated reason of at least 5 characters: evidence is never deleted, and the record must show
    why it no longer counts (《行政处罚法》第四十六条第三款 证据经查证属实方可作为认定案件事实的根据；第四十七条 全过程记录)."""
    if len(reason.strip()) < MIN_VOID_REASON:
        return f"作废原因：请说明作废原因（至少 {MIN_VOID_REASON} 个字）"
    return None
