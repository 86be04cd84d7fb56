"""Benchmark: the cadre list page and the pinyin-initials search with 500,000 cadres on PostgreSQL
(issue 3, "Performance", third bar).

    python bench/people_list.py            # 500,000 cadres, PostgreSQL, 200 requests per scenario
    python bench/people_list.py --small    # 20,000 cadres, 50 requests per scenario
    python bench/people_list.py --explain  # also print EXPLAIN ANALYZE of each scenario's queries

Steps, in one process: build the demo jurisdiction (`--counties`), generate and bulk-load the
cadres with their search tokens and posts (qinglian.people.bulk.load), VACUUM ANALYZE, create a user with
the role `leadership` anchored at the root (sees every cadre), log in with Django's test Client
(force_login; the benchmark runs with QINGLIAN_DEMO=true, whose default is REQUIRE_2FA=false, so no
OTP step), then request /people/cadres/ for each scenario: warm-up requests, then `--requests`
timed requests, each inside CaptureQueriesContext. Prints p50 / p95 / max and the number of
queries per request (which must be the same for every request of a scenario).

The bar: p95 < 150 ms for the filtered list and for the pinyin-initials search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

BAR_MS = 150


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--cadres", type=int, default=500_000, help="cadres to load (default: %(default)s)")
    p.add_argument(
        "--counties",
        type=int,
        default=None,
        help="counties (about 220 units each; default: 1 per 10,000 cadres)",
    )
    p.add_argument("--requests", type=int, default=200, help="timed requests per scenario (default: 200)")
    p.add_argument("--warmup", type=int, default=10, help="untimed requests per scenario first (default: 10)")
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres", help="default: %(default)s")
    p.add_argument(
        "--small", action="store_true", help="quick check: 20,000 cadres, 50 requests per scenario"
    )
    p.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the queries of each scenario"
    )
    p.add_argument(
        "--ab",
        action="store_true",
        help="instead of the pages: time the search scenarios' data access (capped count + one page)\n"
        "through cadre_list (query over the cadre table) and cadre_browse (search tokens),\n"
        "alternating request by request on the same database",
    )
    p.add_argument(
        "--reuse",
        metavar="DBNAME",
        help="use a PostgreSQL database loaded by an earlier --keep run (no load)",
    )
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.cadres, args.requests = 20_000, 50
    if args.counties is None:
        args.counties = max(3, args.cadres // 10_000)
    return args


def load(args) -> dict:
    from django.db import connection

    from qinglian.people import bulk

    t = {}
    with _common.timed("build jurisdiction", t):
        units = _common.build_units(args.counties)
    with _common.timed(f"generate {args.cadres:,} cadres", t):
        gen = _common.generate(units, args.cadres, relatives_per_cadre=0)
    with _common.timed("bulk.load (cadres, search tokens, posts)", t):
        counts = bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=[])
    # What autovacuum does soon after a big load (PostgreSQL 13+ vacuums after inserts too):
    # statistics for the planner and the visibility map for index-only scans.
    with _common.timed("VACUUM ANALYZE", t), connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"  {len(units):,} units; " + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v))
    return {"initials": _common_initials(gen.tokens)}


def _common_initials(tokens) -> list[str]:
    """The pinyin-initials tokens people actually have (2-3 letters), most frequent first."""
    words = (row[2] for row in tokens)  # (id, cadre_id, token, ...)
    freq = Counter(t for t in words if t.isascii() and t.isalpha() and 2 <= len(t) <= 3)
    return [t for t, _ in freq.most_common(400)]


def scenarios(initials: list[str]) -> list[tuple[str, str, list[dict]]]:
    """(name, kind, list of query dicts cycled through by the requests)."""
    from qinglian.people.models import Unit

    county = Unit.objects.get(code="QL-DH")
    township = Unit.objects.get(code="QL-DH-T01")
    dept = Unit.objects.get(code="QL-XL-JYJ")
    # Two- and three-letter initials, from frequent to rare (rarer ones match few cadres).
    two = [t for t in initials if len(t) == 2]
    three = [t for t in initials if len(t) == 3]
    searches2 = two[:10] + two[-10:]
    searches3 = three[:10] + three[-10:]
    return [
        ("list, no filter (page 1)", "list", [{}]),
        ("list, no filter, page 50", "list", [{"page": 50}]),
        ("unit subtree (county) + status", "list", [{"unit": county.pk, "status": "serving"}]),
        ("unit subtree (township) + status", "list", [{"unit": township.pk, "status": "serving"}]),
        ("unit (department) + post_level", "list", [{"unit": dept.pk, "post_level": "staff"}]),
        ("post_level + status", "list", [{"post_level": "section", "status": "serving"}]),
        ("age range 35-45 + status", "list", [{"min_age": 35, "max_age": 45, "status": "serving"}]),
        (
            "county + post_level + age 30-50",
            "list",
            [{"unit": county.pk, "post_level": "deputy_section", "min_age": 30, "max_age": 50}],
        ),
        ("pinyin initials, 2 letters (20 queries)", "search", [{"q": q} for q in searches2]),
        ("pinyin initials, 3 letters (20 queries)", "search", [{"q": q} for q in searches3]),
        (
            "initials + county + status",
            "search",
            [{"q": q, "unit": county.pk, "status": "serving"} for q in searches2],
        ),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep, reuse=args.reuse)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qinglian.accounts.services import role_assign, user_create
    from qinglian.people import selectors
    from qinglian.people.models import Cadre, Unit

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    print(f"\n== people_list on {args.db}: {args.cadres:,} cadres ==")
    if args.reuse:
        from qinglian.accounts.models import User
        from qinglian.people.models import CadreSearchToken

        tokens = CadreSearchToken.objects.filter(token__regex=r"^[a-z]{2,3}$")
        data = {"initials": _common_initials(tokens.values_list("id", "cadre_id", "token")[:300_000])}
        print(f"  reusing {args.reuse}: {Cadre.objects.count():,} cadres")
        user = User.objects.get(username="bench_leader")
    else:
        data = load(args)
        root = Unit.objects.get(parent__isnull=True)
        user = user_create(
            actor=None, username="bench_leader", display_name="基准测试领导", unit=root, password=None
        )
        role_assign(actor=None, user=user, role="leadership", anchor=root, reason="基准测试")
    client = Client()
    client.force_login(user)
    if args.ab:
        return ab(args, user, data["initials"])

    rows, failures = [], []
    for name, kind, queries in scenarios(data["initials"]):
        urls = [f"/people/cadres/?{urlencode(q)}" for q in queries]
        for i in range(args.warmup):
            client.get(urls[i % len(urls)])
        times, nq = [], Counter()
        for i in range(args.requests):
            url = urls[i % len(urls)]
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            nq[len(ctx.captured_queries)] += 1
        matched = [selectors.cadre_list(viewer=user, filters=_filters(q)).count() for q in queries[:20]]
        p50, p95, worst = statistics.median(times), percentile(times, 95), max(times)
        fixed = "yes" if len(nq) == 1 else "NO: " + ", ".join(f"{k} ({v}x)" for k, v in sorted(nq.items()))
        rows.append([
            name, kind, f"{min(matched):,}" if len(matched) == 1 else f"{min(matched):,}–{max(matched):,}",
            f"{p50:.0f}", f"{p95:.0f}", f"{worst:.0f}", ", ".join(str(k) for k in sorted(nq)), fixed,
        ])  # fmt: skip
        print(
            f"  {name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {worst:.0f} ms, queries {dict(nq)}",
            flush=True,
        )
        if p95 >= BAR_MS or len(nq) != 1:
            failures.append(name)
        if args.explain:
            explain(client, urls[0])
    print()
    print(
        _common.table(
            rows,
            ["scenario", "kind", "matching cadres", "p50 ms", "p95 ms", "max ms", "queries/request", "fixed"],
        )
    )
    print(f"\n  {args.requests} timed requests per scenario after {args.warmup} warm-up requests")
    print(
        f"  verdict: {'PASS' if not failures else 'FAIL'} (bar: p95 < {BAR_MS} ms and a fixed number of queries)"
        + (f"; failing: {', '.join(failures)}" if failures else "")
    )
    return 0


def ab(args, user, initials) -> int:
    """Old and new data access of the search scenarios, alternating, in one process."""
    from django.core.paginator import Paginator

    from qinglian.core.pagination import CappedPaginator
    from qinglian.people import selectors
    from qinglian.people.cadre_views import CADRE_LIST_COUNT_CAP

    def run(select, filters) -> float:
        start = time.perf_counter()
        page = CappedPaginator(select(viewer=user, filters=filters), 25, cap=CADRE_LIST_COUNT_CAP).page(1)
        list(page.object_list)
        return (time.perf_counter() - start) * 1000

    rows = []
    for name, kind, queries in scenarios(initials):
        if kind != "search":
            continue
        filters = [_filters(q) for q in queries]
        times = {"cadre_list": [], "cadre_browse": []}
        for i in range(args.warmup + args.requests):
            f = filters[i % len(filters)]
            pair = [("cadre_list", selectors.cadre_list), ("cadre_browse", selectors.cadre_browse)]
            for label, select in pair if i % 2 else pair[::-1]:
                t = run(select, f)
                if i >= args.warmup:
                    times[label].append(t)
        same = all(
            [c.pk for c in Paginator(selectors.cadre_list(viewer=user, filters=f), 25).page(1)]
            == [c.pk for c in Paginator(selectors.cadre_browse(viewer=user, filters=f), 25).page(1)]
            for f in filters
        )
        for label, ts in times.items():
            rows.append([name, label, f"{statistics.median(ts):.1f}", f"{percentile(ts, 95):.1f}",
                         f"{max(ts):.1f}", "yes" if same else "NO"])  # fmt: skip
        print(
            f"  {name}: " + ", ".join(f"{k} p95 {percentile(v, 95):.1f} ms" for k, v in times.items()),
            flush=True,
        )
    print()
    print(_common.table(rows, ["scenario", "selector", "p50 ms", "p95 ms", "max ms", "same first page"]))
    print(
        f"\n  {args.requests} timed calls per selector and scenario (alternating) after {args.warmup} warm-up calls"
    )
    return 0


def _filters(query: dict) -> dict:
    """The cleaned filters the page derives from its query string (for the match counts)."""
    from qinglian.people.models import Unit

    out = dict(query)
    out.pop("page", None)
    if "unit" in out:
        out["unit"] = Unit.objects.get(pk=out["unit"])
    return out


def explain(client, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(f"\n  EXPLAIN ANALYZE for {url}")
    with connection.cursor() as cur:
        for q in ctx.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            prefix = (
                "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            )
            start = time.perf_counter()
            cur.execute(prefix + sql)
            plan = "\n      ".join(str(r[0] if len(r) == 1 else r) for r in cur.fetchall())
            print(f"    [{(time.perf_counter() - start) * 1000:.1f} ms] {sql[:200]}\n      {plan}")


if __name__ == "__main__":
    sys.exit(main())
