"""Set-based loading of many cadres, tokens, posts and relatives at once.

Rows come with every column already computed (encrypted ID, hashes, tokens): the loader only moves
them into the database — executemany in one transaction on SQLite, COPY on PostgreSQL — with
explicit primary keys allocated up front, so that child rows can refer to their parents without a
round trip. Used by the demo generator and the benchmarks; the Excel import keeps to the ORM's
bulk_create because it also validates and updates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import chain

from django.db import connection, transaction

from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative


def _columns(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(f).column for f in fields]


def next_ids(model, n: int) -> range:
    """Reserve n consecutive primary keys (single writer: bulk loads run alone)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        start = cur.fetchone()[0] + 1
    return range(start, start + n)


def reserve_ids(model, n: int) -> list[int]:
    """Allocate n fresh primary keys safely while other sessions write: from the sequence on
    PostgreSQL; on SQLite (inside a write transaction, which holds the database's write lock) after
    both the largest id and the AUTOINCREMENT counter, so that a deleted row's id is never reused.
    Call inside transaction.atomic()."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            return [row[0] for row in cur.fetchall()]
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        start = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        start = max(start, cur.fetchone()[0]) + 1
    return list(range(start, start + n))


def insert_objects(model, objs: Sequence) -> int:
    """Insert unsaved model instances (pk already set, e.g. from reserve_ids; auto_now fields
    already filled) with COPY / executemany instead of the ORM's bulk_create. Every concrete
    column is written."""
    fields = [f.name for f in model._meta.concrete_fields]
    attnames = [f.attname for f in model._meta.concrete_fields]
    return insert_rows(model, fields, [tuple(getattr(o, a) for a in attnames) for o in objs])


def _reset_sequence(model) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(_NoStyle(), [model]):
                cur.execute(sql)


class _NoStyle:
    def __getattr__(self, name):
        return lambda text: text


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple]) -> int:
    """Insert rows (tuples in `fields` order, ids included) as fast as the database allows."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    cols = _columns(model, fields)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            raw = cur.cursor  # the psycopg cursor behind Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            _sqlite_insert(cur, table, cols, rows)
    return len(rows)


def _sqlite_insert(cur, table: str, cols: list[str], rows: Sequence[tuple]) -> None:
    """executemany of multi-row INSERTs (up to 50 rows, 999 parameters each) instead of one row per
    statement: Python binds and SQLite steps one statement per 50 rows. 1,000,000 six-column rows
    on a busy machine: 26-31 s one row per statement, 8.3-11.3 s 50 rows per statement, into a
    table with or without an AUTOINCREMENT key alike (docs/benchmarks.md, section 1)."""
    per = max(1, min(50, 999 // len(cols)))
    one = "(" + ", ".join(["%s"] * len(cols)) + ")"
    head = f"INSERT INTO {table} ({', '.join(cols)}) VALUES "  # noqa: S608
    full = len(rows) - len(rows) % per
    if full:
        batches = (list(chain.from_iterable(rows[i : i + per])) for i in range(0, full, per))
        cur.executemany(head + ", ".join([one] * per), batches)
    if full < len(rows):
        cur.executemany(head + one, rows[full:])


CADRE_LOAD_FIELDS = [
    "id", "name", "gender", "ethnicity", "birth_date", "id_number_enc", "id_number_hash", "id_masked",
    "id_tail5_hash", "id_tail6_hash", "review_note", "party_member", "party_join_date", "education", "unit",
    "post_title", "post_level", "rank", "is_leadership_member", "is_top_leader", "is_key_post",
    "is_law_enforcement", "is_judicial", "is_dual_role", "managing_body", "employment_type", "status",
    "status_date", "phone", "user", "search_text", "created_at", "updated_at",
]  # fmt: skip
# A token row carries copies of its cadre's name, unit path and status (see CadreSearchToken):
# the caller supplies them consistent with the cadre rows, as it supplies the tokens themselves.
TOKEN_LOAD_FIELDS = ["id", "cadre", "token", "name", "unit_path", "status"]
POST_LOAD_FIELDS = ["id", "cadre", "unit", "title", "level", "start_date", "end_date", "note"]
RELATIVE_LOAD_FIELDS = [
    "id", "cadre", "relation", "name", "birth_date", "id_number_enc", "id_number_hash", "id_masked",
    "employer_unit", "employer_credit_code", "employer_name", "job", "abroad", "emigrated", "source",
    "source_date", "created_at", "updated_at",
]  # fmt: skip


# Below this many new rows, maintaining the indexes row by row is cheaper than rebuilding them.
REBUILD_MIN_ROWS = 10_000


def _row_count(model) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cur.fetchone()[0]


def _secondary_schema(model) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """(constraints as (name, definition), indexes as (name, CREATE statement), drop statements):
    everything on the table except check constraints and a primary key that other tables refer to."""
    table = model._meta.db_table
    qt = connection.ops.quote_name(table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Foreign keys, then the primary key if no foreign key refers to this table, then unique
            # constraints (their index goes with them).
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND (contype IN ('f', 'u') OR (contype = 'p' AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = %s::regclass"
                "))) ORDER BY contype, conname",
                [table, table],
            )
            constraints = cur.fetchall()
            cur.execute(
                "SELECT ic.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
                "JOIN pg_class ic ON ic.oid = ix.indexrelid "
                "WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary AND NOT EXISTS ("
                "  SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid"
                ") ORDER BY ic.relname",
                [table],
            )
            indexes = cur.fetchall()
        else:
            # SQLite keeps keys and inline UNIQUE in the table definition (sql IS NULL): those stay.
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            constraints, indexes = [], cur.fetchall()
    q = connection.ops.quote_name
    drops = [f"ALTER TABLE {qt} DROP CONSTRAINT {q(name)}" for name, _ in constraints]
    drops += [f"DROP INDEX {q(name)}" for name, _ in indexes]
    return constraints, indexes, drops


@contextmanager
def _indexes_rebuilt(model, new_rows: int) -> Iterator[None]:
    """For a big load into a table no bigger than the load, drop the table's secondary indexes,
    unique and foreign-key constraints, and recreate them afterwards from their exact definitions:
    one sort per index and one set-based check per constraint instead of millions of row-by-row
    updates (and, on PostgreSQL, of deferred foreign-key trigger events). A duplicate or a dangling
    reference still fails the load — when the constraint is recreated, inside the same
    transaction. The table is locked for the duration (bulk loads run alone)."""
    if new_rows < REBUILD_MIN_ROWS or new_rows < _row_count(model):
        yield
        return
    constraints, indexes, drops = _secondary_schema(model)
    qt = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Deferred checks still queued from earlier rows would forbid the ALTER TABLEs.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in drops:
            cur.execute(sql)
    yield
    with connection.cursor() as cur:
        for _name, create in indexes:
            cur.execute(create)
        # Unique constraints and the primary key before foreign keys (recreate in reverse order).
        for name, definition in reversed(constraints):
            cur.execute(f"ALTER TABLE {qt} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


@contextmanager
def _bulk_session() -> Iterator[None]:
    """More memory for sorting while indexes are rebuilt (this transaction / connection only)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            yield
            return
        cur.execute("PRAGMA cache_size")
        previous = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -262144")  # 256 MB, in KiB (1 GB measured no faster)
        try:
            yield
        finally:
            cur.execute(f"PRAGMA cache_size = {int(previous)}")


def load(*, cadres: list[tuple], tokens: list[tuple], posts: list[tuple], relatives: list[tuple]) -> dict:
    """Insert everything in one transaction. On SQLite, foreign keys are checked once for the
    whole load (PRAGMA foreign_key_check, as Django's loaddata does) rather than row by row —
    possible only outside an enclosing transaction; inside one they stay checked per row. A
    dangling reference raises IntegrityError and nothing is written."""
    tables = [m._meta.db_table for m in (Cadre, CadreSearchToken, Post, Relative)]
    with connection.constraint_checks_disabled(), transaction.atomic(), _bulk_session():
        counts = _load(cadres=cadres, tokens=tokens, posts=posts, relatives=relatives)
        connection.check_constraints(table_names=tables)
    return counts


def _load(*, cadres: list[tuple], tokens: list[tuple], posts: list[tuple], relatives: list[tuple]) -> dict:
    counts = {}
    for key, model, fields, rows in (
        ("cadres", Cadre, CADRE_LOAD_FIELDS, cadres),
        ("tokens", CadreSearchToken, TOKEN_LOAD_FIELDS, tokens),
        ("posts", Post, POST_LOAD_FIELDS, posts),
        ("relatives", Relative, RELATIVE_LOAD_FIELDS, relatives),
    ):
        with _indexes_rebuilt(model, len(rows)):
            counts[key] = insert_rows(model, fields, rows)
    for model in (Cadre, CadreSearchToken, Post, Relative):
        _reset_sequence(model)
    return counts
