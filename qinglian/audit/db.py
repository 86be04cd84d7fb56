"""Database-level refusal of changes to the audit log (triggers), and the maintenance switch.

PostgreSQL: a row trigger refuses UPDATE and DELETE on audit_auditevent, a statement trigger
refuses TRUNCATE, unless the session has `qinglian.audit_maintenance = 'on'`. Only the test
database is given that setting (conftest.py), because Django's test runner empties tables
between transactional tests. Production databases never have it.

SQLite: the same triggers, conditioned on the SQL function `qinglian_audit_maintenance()` that
the application registers on each connection. It answers 0 unless `maintenance_enabled(True)`
was called (the test suite only). A tool that opens the file without the function gets an error
instead of a change: still a refusal.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created

TABLE = "audit_auditevent"

_state = {"sqlite_maintenance": False}


def maintenance_enabled(on: bool) -> None:
    """Tests only: let SQLite's triggers allow deletes (Django's flush between transactional tests)."""
    _state["sqlite_maintenance"] = bool(on)


def _maintenance() -> int:
    return 1 if _state["sqlite_maintenance"] else 0


def register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("qinglian_audit_maintenance", 0, _maintenance)


def connect_signals() -> None:
    connection_created.connect(register_sqlite_function, dispatch_uid="qinglian.audit.sqlite_function")


PG_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION qinglian_audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('qinglian.audit_maintenance', true), '') = 'on' THEN
            IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '审计日志只能追加，不能修改或删除 (audit log is append-only: % refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"DROP TRIGGER IF EXISTS qinglian_audit_no_change ON {TABLE}",
    f"""CREATE TRIGGER qinglian_audit_no_change BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION qinglian_audit_refuse_change()""",
    f"DROP TRIGGER IF EXISTS qinglian_audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER qinglian_audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION qinglian_audit_refuse_change()""",
]
PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS qinglian_audit_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS qinglian_audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS qinglian_audit_refuse_change()",
]
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS qinglian_audit_no_update BEFORE UPDATE ON {TABLE}
        WHEN qinglian_audit_maintenance() = 0
        BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改 (audit log is append-only)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS qinglian_audit_no_delete BEFORE DELETE ON {TABLE}
        WHEN qinglian_audit_maintenance() = 0
        BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除 (audit log is append-only)'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS qinglian_audit_no_update",
    "DROP TRIGGER IF EXISTS qinglian_audit_no_delete",
]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def reinstall_sqlite_triggers(sender, using="default", **kwargs) -> None:
    """After every migrate: SQLite rebuilds a table to alter it, and the rebuild drops its triggers.

    (PostgreSQL keeps triggers through ALTER TABLE.) Idempotent: CREATE TRIGGER IF NOT EXISTS.
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if TABLE not in connection.introspection.table_names(cursor):
            return
        for sql in SQLITE_INSTALL:
            cursor.execute(sql)


def install_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_INSTALL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)


def remove_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_REMOVE)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_REMOVE)
