"""Benchmark: a person's archive file page with 500 entries (issue 4, "Performance", third bar:
p95 < 150 ms on PostgreSQL).

    python bench/archive_profile.py                  # PostgreSQL, 500 entries, 200 requests
    python bench/archive_profile.py --db sqlite
    python bench/archive_profile.py --entries 2000 --requests 100

Steps, in one process:
1. build the demo jurisdiction, load 2,000 generated cadres (not timed);
2. give one cadre `--entries` entries of every colour — appraisals, information, yellow handling,
   sanctions with a revocation, commendations, sealed pending states (the demo generator's row
   builder) — and compute their grade; other cadres get a few entries each;
3. request /archive/people/<id>/ `--requests` times as a discipline user (who sees sealed entries,
   the widest page) and as a leadership user, through Django's test client (full middleware,
   template rendering and the access audit included); report p50/p95/max and the query count.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="postgres", help="default: %(default)s")
    p.add_argument(
        "--entries", type=int, default=500, help="entries on the measured file (default: %(default)s)"
    )
    p.add_argument("--requests", type=int, default=200, help="timed requests per user (default: %(default)s)")
    p.add_argument("--warmup", type=int, default=10)
    _common.add_db_arguments(p)
    return p.parse_args(argv)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def fill(person_id: int, unit_id: int, n: int, today: date) -> int:
    from django.db import transaction

    from qinglian.archive.models import ArchiveEntry
    from qinglian.demo.archive_gen import INFO, SANCTIONS, YELLOW, _Builder

    rng = random.Random(7)
    b = _Builder(today)
    start = today - timedelta(days=365 * 15)
    codes = (["appraisal.competent"] * 6 + INFO * 4 + YELLOW + SANCTIONS + ["commendation", "appraisal.excellent"]
             + ["allegation.registered", "external.audit_finding"])  # fmt: skip
    sanction = None
    while len(b.rows) < n:
        code = rng.choice(codes)
        on = start + timedelta(days=rng.randrange((today - start).days))
        year = on.year - 1 if code.startswith("appraisal.") else None
        months = 12 if code.startswith("org.") else None
        e = b.add(code, person_id=person_id, unit_id=unit_id, on=on, year=year, months=months)
        if code in SANCTIONS and sanction is None:
            sanction = e
    if sanction is not None:
        b.add("correction", person_id=person_id, unit_id=unit_id, on=today - timedelta(days=3), supersedes=sanction,
              revokes=True, summary="复查后撤销")  # fmt: skip
    b.add("case.opened", person_id=person_id, unit_id=unit_id, on=today - timedelta(days=20))
    with transaction.atomic():
        ArchiveEntry.objects.bulk_create(b.rows, batch_size=1000)
    return len(b.rows)


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.archive.grading import grades_refresh_all
    from qinglian.demo.archive_gen import generate
    from qinglian.people import bulk
    from qinglian.people.models import Cadre, Unit

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    today = timezone.localdate()
    with _common.timed("load 2,000 cadres and their archive"):
        units = _common.build_units(1)
        gen = _common.generate(units, 2_000, relatives_per_cadre=0)
        bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
        generate(today=today, scan=False)
    person = Cadre.objects.select_related("unit").order_by("id").first()
    with _common.timed(f"{args.entries} entries on one file"):
        fill(person.pk, person.unit_id, args.entries, today)
        n = person.archive_entries.count()
    grades_refresh_all(today)
    with connection.cursor() as cur:
        cur.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    root = Unit.objects.get(parent__isnull=True)
    rows = []
    for role in ("leadership", "discipline_supervision"):
        user = user_create(
            actor=None, username=f"bench_{role}", display_name="基准测试", unit=root, password=None
        )
        role_assign(actor=None, user=user, role=role, anchor=root, reason="基准测试")
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        url = f"/archive/people/{person.pk}/"
        for _ in range(args.warmup):
            assert client.get(url).status_code == 200
        times, nq = [], Counter()
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            nq[len(ctx.captured_queries)] += 1
        shown = response.content.decode().count('<li id="entry-')
        p50, p95 = statistics.median(times), percentile(times, 95)
        rows.append([role, f"{n}", f"{shown}", f"{p50:.0f}", f"{p95:.0f}", f"{max(times):.0f}",
                     ", ".join(str(k) for k in sorted(nq)), "yes" if p95 < 150 else "NO"])  # fmt: skip
        print(
            f"  {role}: {shown} entries shown, p50 {p50:.0f} ms, p95 {p95:.0f} ms, queries {dict(nq)}",
            flush=True,
        )
    print()
    print(_common.table(rows, ["viewer", "entries on file", "shown", "p50 ms", "p95 ms", "max ms", "queries",
                               "p95 < 150 ms"]))  # fmt: skip
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
