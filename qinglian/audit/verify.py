"""Recompute the whole chain and say where it breaks.

Streams the log in seq order with keyset pagination (`seq > last ORDER BY seq LIMIT n`): memory
stays flat for millions of rows, and no long-lived server-side cursor is held open. Checks, for
every row: seq continuity (a gap is a deleted row), the row's own HMAC (an edited row), and the
link to the previous row's hash (a replaced or inserted row). Then the head row and every
authentic checkpoint: the checkpointed row must exist with the checkpointed hash, so a log that
was cut back to before a checkpoint is reported as truncated.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from qinglian.audit.chain import GENESIS, compute_hash
from qinglian.audit.checkpoints import Checkpoint, checkpoints_read
from qinglian.audit.models import AuditEvent, AuditHead

BATCH_SIZE = 5000
MAX_PROBLEMS = 100  # after this many the report stops listing (the first one is what matters)


@dataclass(frozen=True)
class Problem:
    seq: int  # the first row that is broken or missing
    kind: str  # missing | hash | link | truncated | checkpoint | head | checkpoint_file
    message: str  # for people, in Chinese

    def __str__(self) -> str:
        return self.message


@dataclass
class VerifyResult:
    checked: int = 0  # rows read
    last_seq: int = 0
    last_hash: str = GENESIS
    head_seq: int = 0
    checkpoint: Checkpoint | None = None  # the newest authentic checkpoint
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    truncated_problems: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        """The earliest break in seq order: where an investigation starts."""
        return min(self.problems, key=lambda p: p.seq) if self.problems else None

    @property
    def first_bad_seq(self) -> int | None:
        first = self.first_problem
        return first.seq if first else None

    def summary(self) -> str:
        if self.ok:
            cp = (
                f"，与第 {self.checkpoint.seq} 号检查点一致"
                if self.checkpoint
                else "，尚无检查点（no checkpoint yet）"
            )
            return (
                f"审计链校验通过：共 {self.checked} 条，序号 1–{self.last_seq} 连续，哈希链完整{cp}。"
                f" (audit chain OK: {self.checked} rows, seq 1..{self.last_seq})"
            )
        first = self.first_problem
        return (
            f"审计链校验失败：发现 {len(self.problems)} 处问题{'（仅列出前 ' + str(MAX_PROBLEMS) + ' 处）' if self.truncated_problems else ''}，"
            f"第一处在第 {first.seq} 条：{first.message}"
            f" (audit chain BROKEN: first problem at seq {first.seq})"
        )

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "last_seq": self.last_seq,
            "first_bad_seq": self.first_bad_seq,
            "problems": len(self.problems),
            "checkpoint_seq": self.checkpoint.seq if self.checkpoint else None,
        }


class _Collector:
    def __init__(self, result: VerifyResult):
        self.result = result

    def add(self, seq: int, kind: str, message: str) -> None:
        if len(self.result.problems) >= MAX_PROBLEMS:
            self.result.truncated_problems = True
            return
        self.result.problems.append(Problem(seq=seq, kind=kind, message=message))


def _batches(batch_size: int):
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].seq


def _head() -> tuple[int, str] | None:
    return AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()


def verify_chain(*, batch_size: int = BATCH_SIZE, checkpoint_path=None) -> VerifyResult:
    result = VerifyResult(started_at=timezone.now())
    out = _Collector(result)

    checkpoints, file_errors = checkpoints_read(checkpoint_path)
    for err in file_errors:
        out.add(0, "checkpoint_file", str(err))
    authentic: dict[int, Checkpoint] = {}
    for cp in checkpoints:
        if cp.is_authentic:
            authentic[cp.seq] = cp
            result.checkpoint = cp
        else:
            out.add(0, "checkpoint_file", f"检查点文件第 {cp.line_no} 行的校验码不符，检查点文件可能被改动。")
    result.checkpoints_checked = len(authentic)

    # The head before reading: rows appended while we read are allowed; rows lost are not.
    head_before = _head()
    result.head_seq = head_before[0] if head_before else 0
    expected_seq, prev_hash = 1, GENESIS
    seen_hash: dict[int, str] = {}
    wanted = set(authentic) | ({head_before[0]} if head_before and head_before[0] else set())

    for batch in _batches(batch_size):
        for event in batch:
            result.checked += 1
            if event.seq != expected_seq:
                last_missing = event.seq - 1
                span = (
                    f"第 {expected_seq} 条"
                    if last_missing == expected_seq
                    else f"第 {expected_seq}–{last_missing} 条"
                )
                out.add(expected_seq, "missing", f"{span}记录缺失（被删除）。")
            elif not hmac.compare_digest(event.prev_hash, prev_hash):
                out.add(
                    event.seq,
                    "link",
                    f"第 {event.seq} 条记录与前一条的哈希链接不符（前一条被替换或插入了记录）。",
                )
            if not hmac.compare_digest(compute_hash(event, event.prev_hash), event.hash):
                out.add(event.seq, "hash", f"第 {event.seq} 条记录的内容与其哈希不符（记录被改动）。")
            if event.seq in wanted:
                seen_hash[event.seq] = event.hash
            prev_hash, expected_seq = event.hash, event.seq + 1
            result.last_seq, result.last_hash = event.seq, event.hash

    for seq, cp in sorted(authentic.items()):
        if seq == 0:
            continue
        if seq > result.last_seq:
            out.add(
                result.last_seq + 1,
                "truncated",
                f"检查点（{cp.at:%Y-%m-%d %H:%M}）记录到第 {seq} 条，但日志只到第 {result.last_seq} 条：日志末尾被截断，"
                f"第 {result.last_seq + 1} 条起缺失。",
            )
        elif seq in seen_hash and not hmac.compare_digest(seen_hash[seq], cp.hash):
            out.add(
                seq,
                "checkpoint",
                f"第 {seq} 条记录的哈希与检查点（{cp.at:%Y-%m-%d %H:%M}）不符（日志被重写）。",
            )

    if head_before:
        h_seq, h_hash = head_before
        if h_seq > result.last_seq:
            out.add(
                result.last_seq + 1,
                "truncated",
                f"链头记录到第 {h_seq} 条，但日志只到第 {result.last_seq} 条：第 {result.last_seq + 1} 条起缺失。",
            )
        elif h_seq and h_seq in seen_hash and not hmac.compare_digest(seen_hash[h_seq], h_hash):
            out.add(h_seq, "head", f"第 {h_seq} 条记录的哈希与链头不符。")
    head_after = _head()
    if head_after and result.last_seq > head_after[0]:
        out.add(head_after[0] + 1, "head", f"第 {head_after[0] + 1} 条起的记录不在链头之内（绕过应用写入）。")

    result.finished_at = timezone.now()
    return result
