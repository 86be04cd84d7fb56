"""Printable cards: A5 pages with the lists and a QR code of the card's signed link.

The PDFs are rendered in the background, in chunks of about 50 cards in unit order (whole units per
chunk): one WeasyPrint run lays out and writes the chunk as one PDF, then pikepdf (qpdf) cuts it into
one PDF per unit, the pages of each card found by the card's anchor. One run per card, or per unit —
units have one to three leaders — pays WeasyPrint's setup and the CJK font subsetting for every file;
re-writing page subsets with WeasyPrint (`Document.copy`) subsets the fonts again per file, about as
slow, while qpdf copies the already-subset font objects in milliseconds (bench/cards_issue.py
measures the ways side by side). Every unit's file keeps the chunk's font subset (a few hundred KB). The QR code is a PNG data URI
and the fetcher accepts data: URIs only, so WeasyPrint can fetch nothing from anywhere. The QR mask
is fixed (any of the eight masks decodes; choosing the "best" one costs more than drawing the code),
and the PNG has one pixel per module, scaled up in the PDF without interpolation.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from qinglian.cards.links import card_token
from qinglian.cards.models import Card

CSS = """
@page { size: A5; margin: 12mm 12mm 14mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 10.5pt; line-height: 1.55; }
.card { page-break-after: always; }
.card:last-child { page-break-after: auto; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 2pt; }
.sub { text-align: center; font-size: 9pt; color: #444; margin-bottom: 4mm; }
.who { position: relative; min-height: 33mm; padding: 1.5mm 34mm 1.5mm 0; margin-bottom: 3mm;
       border-top: 1px solid #b00; border-bottom: 1px solid #b00; }
h2 { font-size: 11pt; margin: 3mm 0 1mm; }
ol { margin: 0; padding-left: 6mm; }
.src { color: #666; font-size: 8.5pt; }
.qr { position: absolute; right: 0; top: 1.5mm; width: 30mm; text-align: center; font-size: 7.5pt; color: #444; }
.qr img { width: 30mm; height: 30mm; image-rendering: pixelated; }
.foot { margin-top: 4mm; font-size: 8.5pt; color: #444; }
"""


def card_url(card: Card) -> str:
    base = (getattr(settings, "QINGLIAN_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("cards:open", args=[card_token(card)])


def _card_context(card: Card) -> dict:
    items = list(card.items.all())
    return {
        "card": card,
        "common": [i for i in items if i.kind == "common"],
        "individual": [i for i in items if i.kind == "individual"],
        "qr": card.qr or qr_data_uri(card),
    }


def qr_data_uri(card: Card) -> str:
    # One pixel per module: the PDF scales it up without interpolation (image-rendering: pixelated),
    # so the printed code is as sharp as a larger PNG and costs a third less to make.
    return segno.make(card_url(card), error="m", mask=0).png_data_uri(scale=1, border=1)


def _fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def cards_html(cards: list[Card]) -> str:
    return render_to_string("cards/print.html", {"cards": [_card_context(c) for c in cards], "css": CSS})


def render_pdf(cards: list[Card]) -> bytes:
    from weasyprint import HTML

    return HTML(string=cards_html(cards), base_url=None, url_fetcher=_fetcher()).write_pdf()


CHUNK = 50


def chunks_by_unit(cards: list[Card], size: int | None = None) -> list[list[Card]]:
    """Cards in unit order cut into chunks of whole units, each closed once it holds `size` cards."""
    size = size or CHUNK
    chunks: list[list[Card]] = []
    current: list[Card] = []
    for i, card in enumerate(cards):
        current.append(card)
        unit_ends = i + 1 == len(cards) or cards[i + 1].unit_id != card.unit_id
        if unit_ends and len(current) >= size:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def render_units(cards: list[Card]) -> dict[int, bytes]:
    """One WeasyPrint run for `cards` (in unit order); one PDF per unit cut out of it with pikepdf."""
    import io

    import pikepdf
    from weasyprint import HTML

    document = HTML(string=cards_html(cards), base_url=None, url_fetcher=_fetcher()).render()
    unit_of = {f"card-{c.pk}": c.unit_id for c in cards}
    page_units: list[int] = []
    for page in document.pages:  # a card starts on the page holding its anchor; overflow pages follow it
        starts = [unit_of[a] for a in page.anchors if a in unit_of]
        page_units.append(starts[0] if starts else page_units[-1])
    whole = pikepdf.open(io.BytesIO(document.write_pdf()))
    out: dict[int, bytes] = {}
    ranges: dict[int, list[int]] = {}
    for index, unit_id in enumerate(page_units):
        ranges.setdefault(unit_id, []).append(index)
    for unit_id, pages in ranges.items():
        part = pikepdf.new()
        part.pages.extend([whole.pages[i] for i in pages])
        buffer = io.BytesIO()
        part.save(buffer)
        out[unit_id] = buffer.getvalue()
    return out
