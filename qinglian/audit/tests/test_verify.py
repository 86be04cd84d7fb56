import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinglian.audit.models import AuditEvent, AuditHead
from qinglian.audit.services import audit_checkpoint
from qinglian.audit.tests.conftest import raw
from qinglian.audit.verify import verify_chain


def test_untouched_chain_verifies_with_every_row_checked(events):
    made = events(7)
    result = verify_chain(batch_size=3)  # several batches
    assert result.ok, result.problems
    assert result.checked == AuditEvent.objects.count() >= 7
    assert result.last_seq == made[-1].seq
    assert "校验通过" in result.summary()


def test_empty_log_verifies(db):
    result = verify_chain()
    assert result.ok and result.checked == 0


def test_changed_field_is_detected_at_that_row(events):
    made = events(6)
    target = made[3]
    raw("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["改过的事由", target.seq])
    result = verify_chain(batch_size=2)
    assert not result.ok
    assert result.first_bad_seq == target.seq
    assert result.first_problem.kind == "hash"
    assert f"第 {target.seq} 条" in result.summary()


def test_rewritten_hash_breaks_the_link_of_the_next_row(events):
    made = events(5)
    raw("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, made[1].seq])
    result = verify_chain()
    kinds = {(p.seq, p.kind) for p in result.problems}
    assert (made[1].seq, "hash") in kinds and (made[2].seq, "link") in kinds
    assert result.first_bad_seq == made[1].seq


def test_deleted_middle_row_is_named_as_missing(events):
    made = events(6)
    gone = made[2].seq
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [gone])
    result = verify_chain(batch_size=2)
    assert not result.ok
    assert result.first_bad_seq == gone
    assert result.first_problem.kind == "missing"


def test_rows_cut_from_the_end_after_a_checkpoint_are_reported_as_truncation(events):
    made = events(6)
    audit_checkpoint()
    first_cut = made[3].seq
    raw("DELETE FROM audit_auditevent WHERE seq >= %s", [first_cut])
    # The attacker also winds the head back, so only the checkpoint file tells.
    raw("UPDATE audit_audithead SET seq = %s, hash = %s", [made[2].seq, made[2].hash])
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == first_cut
    assert result.first_problem.kind == "truncated"
    assert "截断" in result.first_problem.message


def test_truncation_without_checkpoint_is_still_caught_by_the_head(events):
    made = events(4)
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [made[-1].seq])
    result = verify_chain()
    assert result.first_bad_seq == made[-1].seq


def test_rewritten_chain_with_matching_head_contradicts_the_checkpoint(events):
    made = events(3)
    audit_checkpoint()
    # Someone with the database (not the key) replaces the checkpointed row's hash and the head.
    raw("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["e" * 64, made[-1].seq])
    raw("UPDATE audit_audithead SET hash = %s", ["e" * 64])
    result = verify_chain()
    assert {"hash", "checkpoint"} <= {p.kind for p in result.problems if p.seq == made[-1].seq}


def test_edited_checkpoint_file_is_reported(events, checkpoint_dir):
    events(2)
    audit_checkpoint()
    path = checkpoint_dir / "audit-checkpoints.jsonl"
    path.write_text(path.read_text().replace('"seq":', '"seq":1', 1))
    result = verify_chain()
    assert any(p.kind == "checkpoint_file" for p in result.problems)


def test_rows_slipped_in_past_the_head_are_reported(events):
    made = events(3)
    raw("UPDATE audit_audithead SET seq = %s, hash = %s", [made[1].seq, made[1].hash])
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == made[2].seq
    assert result.first_problem.kind == "head"


def test_verify_command_exits_non_zero_and_names_the_row(events, capsys):
    made = events(4)
    raw("DELETE FROM audit_auditevent WHERE seq = %s", [made[1].seq])
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert exc.value.returncode == 1
    assert f"第 {made[1].seq} 条" in str(exc.value)
    assert f"seq {made[1].seq}" in capsys.readouterr().err


def test_verify_command_prints_a_summary_when_fine(events, capsys):
    events(3)
    call_command("audit_verify", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "审计链校验通过" in out and "audit chain OK" in out


def test_head_row_exists_before_the_first_append(db):
    assert AuditHead.objects.filter(pk=1).exists()
