"""Printable cards: chunks of whole units, one WeasyPrint run per chunk, one PDF per unit cut out of it."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pikepdf
import pytest

from qinglian.cards import printing, services
from qinglian.cards.models import Card, CardBatch, CardItem, CardPrint
from qinglian.cards.tasks import print_batch

pytestmark = pytest.mark.django_db


def _fake(unit_ids):
    return [SimpleNamespace(pk=i, unit_id=u) for i, u in enumerate(unit_ids)]


def test_chunks_keep_units_whole_and_close_at_the_size():
    cards = _fake([1, 1, 2, 3, 3, 3, 4, 5])
    chunks = printing.chunks_by_unit(cards, size=3)
    assert [[c.unit_id for c in ch] for ch in chunks] == [[1, 1, 2], [3, 3, 3], [4, 5]]
    assert printing.chunks_by_unit([], size=3) == []
    big = printing.chunks_by_unit(_fake([7] * 5 + [8]), size=2)  # a unit larger than a chunk stays whole
    assert [[c.unit_id for c in ch] for ch in big] == [[7] * 5, [8]]


@pytest.fixture
def batch(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    for unit, n in ((tree.dept_a1, 3), (tree.dept_a2, 1), (tree.dept_a3, 2)):
        for i in range(n):
            make_cadre(unit, f"{unit.name}领导{i}", is_top_leader=i == 0, is_leadership_member=True)
    b = services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a,
                              scope_unit=tree.county_a, recipient_types=["top_leader", "leadership"])  # fmt: skip
    # One card long enough to run onto a second page: its overflow page must stay with its unit.
    long_card = b.cards.filter(unit=tree.dept_a3).order_by("pk").first()
    CardItem.objects.bulk_create(
        CardItem(card=long_card, kind="individual", text="长事项" * 60, order=100 + i) for i in range(12)
    )
    CardBatch.objects.filter(pk=b.pk).update(status="issued")
    Card.objects.filter(batch=b).update(status="issued")
    return b, long_card


def _pages(pdf: bytes) -> int:
    return len(pikepdf.open(io.BytesIO(pdf)).pages)


def test_render_units_cuts_one_pdf_per_unit_with_each_cards_pages(batch, tree):
    b, long_card = batch
    cards = list(Card.objects.filter(batch=b).select_related("cadre", "unit", "batch__issuing_body")
                 .prefetch_related("items").order_by("unit_id", "pk"))  # fmt: skip
    pdfs = printing.render_units(cards)
    assert set(pdfs) == {tree.dept_a1.pk, tree.dept_a2.pk, tree.dept_a3.pk}
    assert _pages(pdfs[tree.dept_a1.pk]) == 3 and _pages(pdfs[tree.dept_a2.pk]) == 1
    assert _pages(pdfs[tree.dept_a3.pk]) >= 3  # two cards, the long one on two pages or more
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs.values())
    # The QR code (one pixel per module) is scaled up without interpolation: sharp edges in print.
    assert b"/Interpolate false" in pdfs[tree.dept_a2.pk]


def test_background_task_prints_per_unit_in_chunks_with_progress(batch, tree, monkeypatch):
    b, _ = batch
    calls = []
    real = printing.render_units
    monkeypatch.setattr(printing, "CHUNK", 2)
    monkeypatch.setattr(printing, "render_units", lambda cards: calls.append(len(cards)) or real(cards))
    assert print_batch.call(b.pk) == 6
    assert calls == [3, 3]  # dept_a1 (3); dept_a2 + dept_a3 (1 + 2)
    b.refresh_from_db()
    assert b.print_progress == 6 and not b.print_error
    prints = {p.unit_id: p for p in CardPrint.objects.filter(batch=b)}
    assert {u: p.cards for u, p in prints.items()} == {
        tree.dept_a1.pk: 3,
        tree.dept_a2.pk: 1,
        tree.dept_a3.pk: 2,
    }
    assert _pages(prints[tree.dept_a2.pk].file.read()) == 1
