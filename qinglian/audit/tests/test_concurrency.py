import sqlite3
import threading

import pytest
from django.db import connection, connections

from qinglian.audit.models import AuditEvent
from qinglian.audit.services import audit_record
from qinglian.audit.verify import verify_chain

THREADS = 4
EACH = 15


@pytest.fixture
def own_connection(transactional_db, tmp_path):
    """Call in a thread before touching the database: that thread then has its own connection.

    Threads get their own connection anyway, except that SQLite's in-memory test database is a
    shared-cache database, which answers "table is locked" at once instead of waiting its turn.
    There, the test database is copied to a file (WAL, BEGIN IMMEDIATE: production's setup) and
    every thread connects to that file.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield lambda: None
        return
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    file_settings = {**connection.settings_dict, "NAME": str(path)}
    main = connections["default"]

    def use_file() -> None:
        connections["default"] = type(main)(file_settings, "default")

    yield use_file
    connections["default"].close()
    connections["default"] = main


def test_concurrent_writers_append_to_one_chain_without_gaps(own_connection):
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            own_connection()
            start.wait(timeout=10)
            for i in range(EACH):
                audit_record(actor=None, action="test.concurrent", obj=("test.writer", n, f"写入者{n}-{i}"))
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    own_connection()  # read what the threads wrote
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    result = verify_chain()
    assert result.ok, result.summary()
    assert result.checked == THREADS * EACH


@pytest.mark.django_db(transaction=True)
def test_flush_between_transactional_tests_leaves_an_appendable_log():
    # Runs after the test above emptied the tables (through the triggers' maintenance switch).
    audit_record(actor=None, action="test.after_flush")
    assert verify_chain().ok
