"""The bulk loader (qinglian.people.bulk) drops and rebuilds indexes and checks foreign keys once
per load for speed (bench/people_load.py); it must still refuse bad rows as a whole."""

from datetime import date

import pytest
from django.db import IntegrityError

from qinglian.demo.people_gen import CadreGenerator, UnitInfo
from qinglian.people import bulk
from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative, Unit


@pytest.fixture
def rebuild_always(monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 10)


def generated(tree, n=60):
    units = UnitInfo.of_units(Unit.objects.exclude(kind="jurisdiction").order_by("id"))
    return CadreGenerator(units, seed=7, today=date(2026, 11, 24)).generate(n)


def schema():
    return {m: bulk._secondary_schema(m)[:2] for m in (Cadre, CadreSearchToken, Post, Relative)}


def test_a_big_load_writes_every_row_and_puts_every_index_and_constraint_back(tree, rebuild_always):
    before = schema()
    gen = generated(tree)
    counts = bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)
    assert counts == {
        "cadres": 60,
        "tokens": len(gen.tokens),
        "posts": len(gen.posts),
        "relatives": len(gen.relatives),
    }
    assert Cadre.objects.count() == 60 and Relative.objects.count() == len(gen.relatives) > 0
    assert schema() == before
    assert all(indexes for _constraints, indexes in before.values())


def test_a_duplicate_search_token_fails_the_whole_load(tree, rebuild_always):
    gen = generated(tree)
    _id, *duplicate = gen.tokens[0]
    tokens = [*gen.tokens, (10_000_000, *duplicate)]
    with pytest.raises(IntegrityError):
        bulk.load(cadres=gen.cadres, tokens=tokens, posts=gen.posts, relatives=gen.relatives)
    assert Cadre.objects.count() == 0 and CadreSearchToken.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_row_pointing_to_a_missing_unit_fails_the_whole_load(tree):
    gen = generated(tree, n=5)
    unit_at = bulk.CADRE_LOAD_FIELDS.index("unit")
    bad = list(gen.cadres[-1])
    bad[unit_at] = 9_999_999
    cadres = [*gen.cadres[:-1], tuple(bad)]
    with pytest.raises(IntegrityError):
        bulk.load(cadres=cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)
    assert Cadre.objects.count() == 0 and Post.objects.count() == 0
    # Foreign keys are enforced row by row again afterwards.
    with pytest.raises(IntegrityError):
        Post.objects.create(
            cadre_id=9_999_999, unit=tree.dept_a1, title="科员", level="staff", start_date=date(2020, 1, 1)
        )
