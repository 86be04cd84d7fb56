"""Set-based loading of many cadres, tokens, posts and relatives at once.

Rows come with every column already computed (encrypted ID, hashes, tokens): the loader only moves
them into the database — executemany in one transaction on SQLite, COPY on PostgreSQL — with
explicit primary keys allocated up front, so that child rows can refer to their parents without a
round trip. Used by the demo generator and the benchmarks; the Excel import keeps to the ORM's
bulk_create because it also validates and updates.
"""

from __future__ import annotations

from collections.abc import Sequence

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
            placeholders = ", ".join(["%s"] * len(cols))
            cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({placeholders})", rows)  # noqa: S608
    return len(rows)


CADRE_LOAD_FIELDS = [
    "id", "name", "gender", "ethnicity", "birth_date", "id_number_enc", "id_number_hash", "id_masked",
    "id_tail5_hash", "id_tail6_hash", "review_note", "party_member", "party_join_date", "education", "unit",
    "post_title", "post_level", "rank", "is_leadership_member", "is_top_leader", "is_key_post",
    "is_law_enforcement", "is_judicial", "is_dual_role", "managing_body", "employment_type", "status",
    "status_date", "phone", "user", "search_text", "created_at", "updated_at",
]  # fmt: skip
TOKEN_LOAD_FIELDS = ["id", "cadre", "token"]
POST_LOAD_FIELDS = ["id", "cadre", "unit", "title", "level", "start_date", "end_date", "note"]
RELATIVE_LOAD_FIELDS = [
    "id", "cadre", "relation", "name", "birth_date", "id_number_enc", "id_number_hash", "id_masked",
    "employer_unit", "employer_credit_code", "employer_name", "job", "abroad", "emigrated", "source",
    "source_date", "created_at", "updated_at",
]  # fmt: skip


@transaction.atomic
def load(*, cadres: list[tuple], tokens: list[tuple], posts: list[tuple], relatives: list[tuple]) -> dict:
    counts = {
        "cadres": insert_rows(Cadre, CADRE_LOAD_FIELDS, cadres),
        "tokens": insert_rows(CadreSearchToken, TOKEN_LOAD_FIELDS, tokens),
        "posts": insert_rows(Post, POST_LOAD_FIELDS, posts),
        "relatives": insert_rows(Relative, RELATIVE_LOAD_FIELDS, relatives),
    }
    for model in (Cadre, CadreSearchToken, Post, Relative):
        _reset_sequence(model)
    return counts
