"""Benchmark: the station pages of the grassroots network (issue 9) with a year of data.

    python bench/grassroots_pages.py            # 10 counties x 20 townships x 20 villages, PostgreSQL
    python bench/grassroots_pages.py --small    # 2 counties
    python bench/grassroots_pages.py --db sqlite

Bar (issue 9): station pages under 150 ms at the 95th percentile on PostgreSQL with a year of data
for 4,000 stations; the same number of queries for every request of a scenario.

Set-up (bulk inserts, not the workflow the tests drive through the services): units through
`unit_create`, a station per village, a year of integrity information (one item a month per
station, a third triaged), a "20+X" task list per station and township committee with most past
tasks done. Then a county-level discipline user, a township commission user and a liaison officer
request the lists (warm-up, then timed requests inside CaptureQueriesContext).
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

BAR_MS = 150


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--counties", type=int, default=10)
    p.add_argument("--townships", type=int, default=20)
    p.add_argument("--villages", type=int, default=20)
    p.add_argument("--requests", type=int, default=60)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    p.add_argument("--small", action="store_true")
    p.add_argument("--seed", type=int, default=20261127)
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.counties, args.requests = 2, 30
    return args


def load(args, t: dict):
    from django.db import connection
    from django.utils import timezone

    from qinglian.accounts.services import user_create
    from qinglian.grassroots.models import CommonTask, Information, Station, Task, TaskList
    from qinglian.grassroots.services import common_tasks_ensure
    from qinglian.people.services import unit_create

    rng = random.Random(args.seed)
    with _common.timed("units", t):
        mk = lambda code, name, kind, level, parent, **kw: unit_create(  # noqa: E731
            actor=None, code=code, name=name, kind=kind, level=level, parent=parent, **kw
        )
        root = mk("B", "基准市", "jurisdiction", "city", None)
        counties, townships, committees, villages = [], [], [], []
        for c in range(args.counties):
            county = mk(f"B-{c}", f"第{c}县", "jurisdiction", "county", root)
            mk(f"B-{c}-JW", f"第{c}县纪委监委", "discipline_commission", "county", county)
            counties.append(county)
            for s in range(args.townships):
                town = mk(f"B-{c}-{s}", f"{c}县{s}镇", "township", "township", county)
                com = mk(f"B-{c}-{s}-JW", f"{c}县{s}镇纪委", "township_committee", "township", town)
                townships.append(town)
                committees.append(com)
                for v in range(args.villages):
                    villages.append(mk(f"B-{c}-{s}-{v}", f"{c}县{s}镇{v}村", "village", "village", town,
                                       supervisor=com))  # fmt: skip
    now = timezone.now()
    year = timezone.localdate().year
    with _common.timed(f"{len(villages):,} stations", t):
        Station.objects.bulk_create(
            [Station(kind="village", unit=v, name=f"{v.name}联络站", created_at=now) for v in villages],
            batch_size=2000,
        )
        stations = list(Station.objects.order_by("id").values_list("id", "unit_id"))
    submitter = user_create(actor=None, username="bench_submitter", display_name="联络员", unit=villages[0],
                            password=None)  # fmt: skip
    with _common.timed("a year of information (one a month per station)", t):
        rows = []
        for sid, uid in stations:
            for m in range(12):
                at = timezone.make_aware(
                    datetime(year - 1, 12, 1) + timedelta(days=30 * m + rng.randint(0, 27))
                )
                rows.append(Information(
                    station_id=sid, unit_id=uid, category=rng.choice(["opinion", "village_affairs", "org_life"]),
                    title="群众反映村务公开不及时", content="内容" * 20, submitted_by=submitter, submitted_at=at,
                    status=rng.choice(["submitted", "submitted", "archived"]),
                ))  # fmt: skip
        Information.objects.bulk_create(rows, batch_size=5000)
    with _common.timed("task lists (20+1 per station and committee)", t):
        commons = common_tasks_ensure(year=year)
        lists = TaskList.objects.bulk_create(
            [TaskList(year=year, unit_id=u, created_at=now) for u in [s[1] for s in stations] + [c.pk for c in committees]],
            batch_size=2000,
        )  # fmt: skip
        lists = list(TaskList.objects.filter(year=year).values_list("id", flat=True))
        today = timezone.localdate()
        tasks = []
        for lid in lists:
            for c in commons:
                done = c.due_date < today and rng.random() < 0.8
                tasks.append(Task(task_list_id=lid, common_id=c.pk, title=c.title, due_date=c.due_date,
                                  done_at=now if done else None, evidence="已完成" if done else ""))  # fmt: skip
            tasks.append(Task(task_list_id=lid, title="自定任务", due_date=date(year, 12, 31)))
        Task.objects.bulk_create(tasks, batch_size=10000)
    print(f"  {len(rows):,} items of information, {len(lists):,} task lists, {len(tasks):,} tasks, "
          f"{CommonTask.objects.count()} common tasks")  # fmt: skip
    with _common.timed("VACUUM ANALYZE", t), connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return root, counties, townships, villages


def main(argv=None) -> int:
    args = parse_args(argv)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection
    from django.test import Client

    from qinglian.accounts.services import role_assign, user_create

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    n = args.counties * args.townships * args.villages
    print(f"\n== grassroots_pages on {args.db}: {n:,} stations ==")
    t: dict = {}
    root, counties, townships, villages = load(args, t)

    def client_for(username, role, anchor):
        user = user_create(actor=None, username=username, display_name=username, unit=anchor, password=None)
        role_assign(actor=None, user=user, role=role, anchor=anchor, reason="基准测试")
        c = Client()
        c.force_login(user)
        return c

    city = client_for("bench_city", "discipline_supervision", root)
    town = client_for("bench_town", "township_committee", townships[0])
    liaison = client_for("bench_liaison", "liaison_officer", villages[0])
    from qinglian.grassroots.models import Information

    some = Information.objects.filter(unit=villages[0]).values_list("pk", flat=True).first()
    scenarios = [
        ("city: information, pending", city, "/grassroots/information/"),
        ("city: information, all, page 50", city, "/grassroots/information/?status=all&page=50"),
        ("city: stations, page 100", city, "/grassroots/stations/?page=100"),
        ("city: task completion", city, "/grassroots/tasks/"),
        ("city: API information", city, "/api/v1/integrity-information/"),
        ("township: information", town, "/grassroots/information/?status=all"),
        ("township: stations", town, "/grassroots/stations/"),
        ("township: task completion", town, "/grassroots/tasks/"),
        ("township: one item", town, f"/grassroots/information/{some}/"),
        ("liaison: own information", liaison, "/grassroots/mine/"),
        ("liaison: own tasks", liaison, "/grassroots/mine/tasks/"),
    ]
    pages = [(name, client, [url]) for name, client, url in scenarios]
    rows, failures = _common.time_pages(pages, requests=args.requests, warmup=args.warmup, bar_ms=BAR_MS)
    return _common.pages_verdict(rows, failures, BAR_MS)


if __name__ == "__main__":
    sys.exit(main())
