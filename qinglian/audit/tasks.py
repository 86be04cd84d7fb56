"""Background work of the audit app: thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from qinglian.audit.services import audit_checkpoint


@task()
def checkpoint_audit_chain() -> dict:
    """Hourly (qinglian/scheduling.py): write the chain head to the checkpoint file."""
    checkpoint = audit_checkpoint()
    return {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at_text}
