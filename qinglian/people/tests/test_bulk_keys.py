"""During a big load the bulk loader also drops the primary key of a table that no foreign key
refers to (PostgreSQL) and recreates it afterwards; the key must still be enforced, and the partial
unique index on the cadre's ID hash is rebuilt on both databases."""

import pytest
from django.db import IntegrityError, connection

from qinglian.people import bulk
from qinglian.people.models import Cadre, CadreSearchToken, Post
from qinglian.people.tests.test_bulk import generated


@pytest.fixture
def rebuild_always(monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)


def test_a_duplicate_post_id_fails_the_whole_load(tree, rebuild_always):
    gen = generated(tree)
    posts = [*gen.posts, gen.posts[0]]
    with pytest.raises(IntegrityError):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=posts, relatives=gen.relatives)
    assert Cadre.objects.count() == 0 and Post.objects.count() == 0


def test_the_primary_key_of_an_unreferenced_table_is_rebuilt_after_a_big_load(tree, rebuild_always):
    constraints, _indexes, _drops = bulk._secondary_schema(CadreSearchToken)
    if connection.vendor == "postgresql":
        assert any("PRIMARY KEY" in definition for _name, definition in constraints)
    gen = generated(tree)
    bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)
    assert bulk._secondary_schema(CadreSearchToken)[0] == constraints
    token = CadreSearchToken.objects.first()
    with pytest.raises(IntegrityError):
        CadreSearchToken.objects.create(id=token.id, cadre_id=token.cadre_id, token="zzz")


def test_a_duplicate_id_number_hash_fails_the_whole_load_on_both_databases(tree, rebuild_always):
    gen = generated(tree)
    at = bulk.CADRE_LOAD_FIELDS.index("id_number_hash")
    first, second = list(gen.cadres[0]), list(gen.cadres[1])
    second[at] = first[at]
    cadres = [tuple(first), tuple(second), *gen.cadres[2:]]
    with pytest.raises(IntegrityError):
        bulk.load(cadres=cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)
    assert Cadre.objects.count() == 0


@pytest.mark.parametrize("n", [1, 49, 50, 51, 137])
def test_insert_rows_writes_every_row_whatever_the_batching(tree, n):
    """SQLite inserts up to 30 cadre rows (999 parameters) per statement: full batches and the
    remainder all arrive, every column in place."""
    gen = generated(tree, n=n)
    assert bulk.insert_rows(Cadre, bulk.CADRE_LOAD_FIELDS, gen.cadres) == n
    columns = [Cadre._meta.get_field(f).attname for f in bulk.CADRE_LOAD_FIELDS]
    assert list(Cadre.objects.order_by("id").values_list(*columns)) == gen.cadres
