"""Checkpoints of the chain head, kept outside the database.

A checkpoint is one JSON line appended to `DATA_DIR/audit-checkpoints.jsonl`: the head's seq and
hash, the time, and an HMAC over them (key outside the database). Someone who can rewrite the
database but not this file (or its printed copy) cannot hide a truncated log tail: `verify_chain`
requires the checkpointed row to exist with the checkpointed hash.
"""

from __future__ import annotations

import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from qinglian.audit.chain import checkpoint_mac

FILE_NAME = "audit-checkpoints.jsonl"
DISPLAY_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: datetime  # timezone-aware
    mac: str
    line_no: int = 0  # 1-based line in the file, 0 when not read from a file

    @property
    def at_text(self) -> str:
        return self.at.isoformat()

    @property
    def is_authentic(self) -> bool:
        expected = checkpoint_mac(seq=self.seq, hash=self.hash, at=self.at_text)
        return hmac.compare_digest(expected, self.mac)

    def as_json(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "at": self.at_text, "mac": self.mac},
            sort_keys=True,
            separators=(",", ":"),
        )


class CheckpointFileError(ValueError):
    """A line of the checkpoint file is not a checkpoint (damaged or edited file)."""

    def __init__(self, line_no: int, message: str):
        super().__init__(message)
        self.line_no = line_no


def checkpoint_path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


def checkpoint_make(*, seq: int, hash: str, at: datetime) -> Checkpoint:
    if at.tzinfo is None:
        raise ValueError("checkpoint time must be timezone-aware")
    at = at.astimezone(DISPLAY_TZ)
    return Checkpoint(seq=seq, hash=hash, at=at, mac=checkpoint_mac(seq=seq, hash=hash, at=at.isoformat()))


def checkpoint_append(checkpoint: Checkpoint, path: Path | None = None) -> None:
    """Append one line and force it to disk: a checkpoint that a crash can lose protects nothing."""
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(checkpoint.as_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _parse(line: str, line_no: int) -> Checkpoint:
    try:
        data = json.loads(line)
        at = datetime.fromisoformat(data["at"])
        if at.tzinfo is None:
            raise ValueError("naive time")
        return Checkpoint(
            seq=int(data["seq"]), hash=str(data["hash"]), at=at, mac=str(data["mac"]), line_no=line_no
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointFileError(line_no, f"检查点文件第 {line_no} 行无法解析：{exc}") from None


def checkpoints_read(path: Path | None = None) -> tuple[list[Checkpoint], list[CheckpointFileError]]:
    """All checkpoints in the file, oldest first, and the lines that could not be read."""
    path = path or checkpoint_path()
    found: list[Checkpoint] = []
    errors: list[CheckpointFileError] = []
    try:
        fh = open(path, encoding="utf-8")
    except FileNotFoundError:
        return found, errors
    with fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                found.append(_parse(line, line_no))
            except CheckpointFileError as exc:
                errors.append(exc)
    return found, errors


def checkpoint_last(path: Path | None = None) -> Checkpoint | None:
    """The newest authentic checkpoint, or None when there is none yet."""
    found, _ = checkpoints_read(path)
    for cp in reversed(found):
        if cp.is_authentic:
            return cp
    return None


def checkpoint_text(checkpoint: Checkpoint | None) -> str:
    """The checkpoint as plain text, to print into a report or a paper record (留档)."""
    if checkpoint is None:
        return "审计日志检查点：尚无检查点。"
    local = checkpoint.at.astimezone(DISPLAY_TZ)
    return "\n".join(
        [
            "审计日志检查点 (audit chain checkpoint)",
            f"序号 (seq)：{checkpoint.seq}",
            f"链头哈希 (hash)：{checkpoint.hash}",
            f"时间 (time)：{local:%Y-%m-%d %H:%M:%S} (Asia/Shanghai)",
            f"校验码 (HMAC)：{checkpoint.mac}",
        ]
    )
