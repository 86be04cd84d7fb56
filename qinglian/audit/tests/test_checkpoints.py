import json
from datetime import UTC, datetime

import time_machine
from django.core.management import call_command

from qinglian.audit.checkpoints import checkpoint_last, checkpoint_text, checkpoints_read
from qinglian.audit.models import AuditHead
from qinglian.audit.services import audit_checkpoint
from qinglian.audit.tasks import checkpoint_audit_chain


@time_machine.travel(datetime(2026, 3, 1, 2, 5, tzinfo=UTC), tick=False)
def test_checkpoint_appends_the_head_with_time_and_hmac_outside_the_database(events, checkpoint_dir):
    made = events(3)
    first = audit_checkpoint()
    events(1)
    audit_checkpoint()
    lines = (checkpoint_dir / "audit-checkpoints.jsonl").read_text().splitlines()
    assert len(lines) == 2  # appended, never rewritten
    data = json.loads(lines[0])
    assert data["seq"] == made[-1].seq == first.seq
    assert data["hash"] == made[-1].hash
    assert data["at"] == "2026-03-01T10:05:00+08:00"  # aware, Asia/Shanghai
    assert len(data["mac"]) == 64 and first.is_authentic
    assert checkpoint_last().seq == AuditHead.objects.get().seq


def test_forged_checkpoint_line_is_not_authentic(events, checkpoint_dir):
    events(2)
    real = audit_checkpoint()
    path = checkpoint_dir / "audit-checkpoints.jsonl"
    forged = json.loads(path.read_text())
    forged["seq"] = 999
    with open(path, "a") as fh:
        fh.write(json.dumps(forged) + "\n")
    found, errors = checkpoints_read()
    assert not errors
    assert [cp.is_authentic for cp in found] == [True, False]
    assert checkpoint_last().seq == real.seq


def test_checkpoint_text_is_printable_in_chinese(events):
    with time_machine.travel(datetime(2026, 5, 4, 16, 30, tzinfo=UTC), tick=False):
        cp = audit_checkpoint()
    text = checkpoint_text(cp)
    assert f"序号 (seq)：{cp.seq}" in text
    assert cp.hash in text and cp.mac in text
    assert "2026-05-05 00:30:00 (Asia/Shanghai)" in text
    assert checkpoint_text(None) == "审计日志检查点：尚无检查点。"


def test_scheduled_task_writes_a_checkpoint(events):
    made = events(2)
    result = checkpoint_audit_chain.enqueue()
    assert result.return_value["seq"] == made[-1].seq
    assert checkpoint_last().hash == made[-1].hash


def test_checkpoint_command_prints_the_checkpoint(events, capsys):
    made = events(1)
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert f"序号 (seq)：{made[-1].seq}" in out and "audit-checkpoints.jsonl" in out
