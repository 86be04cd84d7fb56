import pytest
from django.db import DatabaseError, connection, transaction

from qinglian.audit.models import AuditEvent
from qinglian.audit.tests.conftest import production_database


def test_saving_an_existing_row_is_refused(events):
    event = events(1)[0]
    event.reason = "改写"
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_deleting_a_row_is_refused(events):
    event = events(1)[0]
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(events):
    events(2)
    n = AuditEvent.objects.count()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == n
    assert not AuditEvent.objects.filter(reason="x").exists()


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditevent SET reason = 'x'", "DELETE FROM audit_auditevent"],
    ids=["update", "delete"],
)
def test_database_trigger_refuses_raw_changes(events, sql):
    events(2)
    n = AuditEvent.objects.count()
    with production_database(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == n
    assert not AuditEvent.objects.filter(reason="x").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_database_trigger_refuses_truncate(events):
    events(2)
    n = AuditEvent.objects.count()
    with production_database(), pytest.raises(DatabaseError, match="TRUNCATE"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.count() == n


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_sqlite_triggers_come_back_after_migrate_if_a_table_rebuild_dropped_them(events):
    from django.apps import apps

    from qinglian.audit.db import reinstall_sqlite_triggers

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER qinglian_audit_no_update")
    reinstall_sqlite_triggers(sender=apps.get_app_config("audit"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'qinglian_audit%' ORDER BY name"
        )
        assert [r[0] for r in cursor.fetchall()] == ["qinglian_audit_no_delete", "qinglian_audit_no_update"]
