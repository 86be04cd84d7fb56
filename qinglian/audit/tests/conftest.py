from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from qinglian.audit.db import maintenance_enabled
from qinglian.audit.services import audit_record


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Each test gets its own checkpoint file (the file outlives the flushed test database)."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def events(db):
    def make(n: int):
        return [
            audit_record(actor=None, action="test.event", obj=("test.thing", i, f"事件{i}"), person_id=i)
            for i in range(1, n + 1)
        ]

    return make


def raw(sql: str, params=()) -> None:
    """Change the table as someone with database access would: triggers switched off first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        try:
            cursor.execute(sql, params)
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@contextmanager
def production_database():
    """Inside: the database behaves as in production (no maintenance switch), so triggers refuse."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL qinglian.audit_maintenance = 'off'")
            yield
    else:
        maintenance_enabled(False)
        try:
            yield
        finally:
            maintenance_enabled(True)
