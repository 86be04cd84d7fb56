"""Benchmark: issuing reminder cards and rendering their printable PDFs.

    .venv/bin/python bench/cards_issue.py            # 5,000 cards to 5,000 recipients (PostgreSQL)
    .venv/bin/python bench/cards_issue.py --small    # a few hundred cards
    .venv/bin/python bench/cards_issue.py --db sqlite

Bars (issue 6): issuing 5,000 cards (records, signed links, QR codes) under 60 seconds; rendering
their printable PDFs in the background at least 3 times faster than rendering each card on its own
with WeasyPrint, measured side by side.

Steps: a throwaway database (bench/_common.py) with the demo jurisdiction and seeded fictional
cadres (`people.bulk.load`); the recipients are every top leader and leadership member of the
jurisdiction. The generator gives about 2.2 of them per 100 cadres (1,316 at 60,000), so the default
registry of 260,000 cadres in 26 counties gives over 5,000 recipients (4,607 at 230,000): every card is a real row for
a real recipient, nothing is extrapolated. Timed: `batch_create` +
`batch_issue` (the card and item rows, nonces) plus a signed link and a QR code for every card;
then, on the same sample of cards in unit order, side by side: one WeasyPrint run per card (the
bar's baseline), one run per unit (the earlier way), and one run per chunk of about 50 cards cut
into one PDF per unit (what the background task does); then the whole batch's background task.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--cadres", type=int, default=260_000, help="registry size (gives the recipients)")
    parser.add_argument(
        "--recipients", type=int, default=5_000, help="leaders made up to this many (0: as generated)"
    )
    parser.add_argument("--sample", type=int, default=300, help="cards rendered the three ways side by side")
    parser.add_argument("--small", action="store_true", help="5,000 cadres, sample 60")
    parser.add_argument("--skip-full-print", action="store_true", help="do not time the whole batch's PDFs")
    _common.add_db_arguments(parser)
    args = parser.parse_args(argv)
    n, sample = (5_000, 60) if args.small else (args.cadres, args.sample)
    print(f"cards_issue: {n:,} cadres on {args.db} — {_common.machine()}")
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)

    from django.db import connection

    from qinglian.accounts.models import User
    from qinglian.accounts.services import role_assign
    from qinglian.cards import printing, services
    from qinglian.cards.models import Card
    from qinglian.cards.tasks import fill_qr_codes, print_batch
    from qinglian.people import bulk
    from qinglian.people.models import Unit

    with _common.timed("units"):
        units = _common.build_units(max(1, n // 10_000))
    with _common.timed("generate (not part of the figures)"):
        gen = _common.generate(units, n, relatives_per_cadre=0)
    with _common.timed("bulk.load"):
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    root = Unit.objects.filter(parent__isnull=True).first()
    types = ["top_leader", "leadership", "lower_head"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    actor = User.objects.create_user(username="bench-org", password="x" * 16, unit=root)
    role_assign(actor=None, user=actor, role="org_supervision", anchor=root, reason="基准测试")

    t = time.perf_counter()
    batch = services.batch_create(actor=actor, year=2026, quarter=4, issuing_body=root, scope_unit=root,
                                  recipient_types=types)  # fmt: skip
    services.batch_issue(actor=actor, batch=batch)  # (the print task is enqueued on commit: not run here)
    fill_qr_codes(batch)  # the first step of the background task
    cards = list(Card.objects.filter(batch=batch).only("pk"))
    issue_s = time.perf_counter() - t
    per_5000 = issue_s * 5000 / len(cards)
    print(
        f"  issued {len(cards):,} cards with links and QR codes in {issue_s:.2f} s ({per_5000:.2f} s per 5,000)"
    )

    chosen = list(
        Card.objects.filter(batch=batch).select_related("cadre", "unit", "batch__issuing_body")
        .prefetch_related("items").order_by("unit_id", "pk")[:sample]
    )  # fmt: skip
    by_unit: dict[int, list] = {}
    for c in chosen:
        by_unit.setdefault(c.unit_id, []).append(c)
    chunks = printing.chunks_by_unit(chosen)
    printing.render_pdf(chosen[:1])  # warm-up (fonts, CSS) outside the figures
    # Interleaved chunk by chunk (the three ways on the same cards within seconds of each other), so
    # that a load change on a shared machine does not favour the way measured last.
    single_s = unit_s = chunked_s = 0.0
    files = 0
    for chunk in chunks:
        t = time.perf_counter()
        for c in chunk:
            printing.render_pdf([c])
        single_s += time.perf_counter() - t
        t = time.perf_counter()
        for unit_id in dict.fromkeys(c.unit_id for c in chunk):
            printing.render_pdf(by_unit[unit_id])
        unit_s += time.perf_counter() - t
        t = time.perf_counter()
        files += len(printing.render_units(chunk))
        chunked_s += time.perf_counter() - t
    speedup = single_s / chunked_s
    print(f"  sample of {len(chosen)} cards in {len(by_unit)} units: per card {single_s:.2f} s, per unit {unit_s:.2f} s "
          f"({single_s / unit_s:.1f}×), {len(chunks)} chunks cut into {files} unit PDFs {chunked_s:.2f} s "
          f"→ {speedup:.1f}× faster")  # fmt: skip
    rows = [
        ["issue (rows, signed links, QR codes)", f"{len(cards):,}", f"{issue_s:.2f}", f"{per_5000:.2f} s per 5,000 (bar < 60)"],
        ["PDFs, one WeasyPrint run per card", f"{len(chosen)}", f"{single_s:.2f}", "1.0×"],
        [f"PDFs, one WeasyPrint run per unit ({len(by_unit)} units)", f"{len(chosen)}", f"{unit_s:.2f}",
         f"{single_s / unit_s:.1f}×"],
        [f"PDFs, one run per chunk of ~{printing.CHUNK} ({len(chunks)} chunks), cut per unit", f"{len(chosen)}",
         f"{chunked_s:.2f}", f"{speedup:.1f}× (bar ≥ 3×)"],
    ]  # fmt: skip
    if not args.skip_full_print:
        t = time.perf_counter()
        print_batch.call(batch.pk)
        full_s = time.perf_counter() - t
        rows.append(["whole batch, background task (chunks cut per unit)", f"{len(cards):,}", f"{full_s:.2f}",
                     f"{len(cards) / full_s:.1f} cards/s"])  # fmt: skip
    print()
    print(_common.table(rows, ["step", "cards", "seconds", "figure"]))
    ok = per_5000 < 60 and speedup >= 3
    print(f"\nverdict: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
