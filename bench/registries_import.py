"""Benchmark: importing a large company-registry CSV (company roles) into a registry snapshot
(issue 10, item 1: large files streamed, inserted in batches, COPY on PostgreSQL).

    python bench/registries_import.py                       # 1,000,000 rows, PostgreSQL and SQLite
    python bench/registries_import.py --db postgres --rows 200000
    python bench/registries_import.py --small               # 20,000 rows, a quick check

Steps, per database, in its own process:
1. write a UTF-8 CSV of `--rows` company-role rows (fictional people under region 349897, 80 % with
   an ID number, each person in ~1.4 rows, ~4 roles per company; 0.2 % of the rows with a bad
   check digit) — not timed;
2. store the file as a snapshot's upload (copy + SHA-256) — timed separately;
3. `qinglian.registries.imports.snapshot_import`: detect the encoding, stream, validate every row,
   encrypt and hash ID numbers, write persons, companies, roles and raw rows in batches, switch
   the snapshot to current — timed, reported as rows/s;
4. with `--replace`: import a second snapshot of the same file (newer data date): the same work
   plus deleting the first snapshot's rows.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "姓名",
    "身份证号",
    "出生日期",
    "身份",
    "持股比例(%)",
    "任职日期",
]
REGION = "349897"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华建国志红玉梅海燕春雷晨宇浩然子轩欣怡佳琪"
ROLES = ["法定代表人", "股东", "股东", "股东", "监事", "董事", "总经理", "执行董事"]
INDUSTRIES = ["E4790", "E4812", "F5191", "K7020", "I6510", "G5430", "N7850", "H6210", "A0141", "C3021"]


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    p.add_argument("--rows", type=int, default=1_000_000, help="rows in the file (default: %(default)s)")
    p.add_argument(
        "--db", choices=["sqlite", "postgres", "both"], default="both", help="default: %(default)s"
    )
    p.add_argument("--small", action="store_true", help="quick check: 20,000 rows")
    p.add_argument(
        "--replace", action="store_true", help="also import a second snapshot that replaces the first"
    )
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--profile", action="store_true", help="print a cProfile summary of the first import")
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.rows = 20_000
    return args


def write_file(path: Path, n: int, seed: int) -> dict:
    from qinglian.core.idnumber import make
    from qinglian.registries.schema import uscc_check_char

    rng = random.Random(seed)
    persons = max(1, int(n / 1.4))
    companies = max(1, n // 4)
    bad = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(n):
            c = rng.randrange(companies)
            body = f"913498977{c:08d}"
            p = rng.randrange(persons)
            born = date(1950 + p % 50, 1 + p % 12, 1 + p % 28)
            name = SURNAMES[p % len(SURNAMES)] + GIVEN[(p // 7) % len(GIVEN)] + GIVEN[(p // 311) % len(GIVEN)]
            number = make(REGION, born, p % 997) if p % 5 else ""
            if number and rng.random() < 0.002:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")
                bad += 1
            role = ROLES[i % len(ROLES)]
            w.writerow([f"东湖县{c}号企业有限公司", body + uscc_check_char(body), INDUSTRIES[c % len(INDUSTRIES)], name,
                        number, "" if number else born.isoformat(), role, "25" if role == "股东" else "",
                        f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}"])  # fmt: skip
    return {"bad": bad}


def run_import(source, path: Path, user, data_date: date) -> tuple[object, float, float]:
    from django.core.files import File

    from qinglian.registries.imports import snapshot_import
    from qinglian.registries.models import Snapshot

    start = time.perf_counter()
    snap = Snapshot(source=source, data_date=data_date, filename=path.name, sha256="bench", imported_by=user,
                    file_format="csv")  # fmt: skip
    with open(path, "rb") as fh:
        snap.file.save("bench.csv", File(fh), save=False)
    snap.save()
    store_s = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    status = snapshot_import(snapshot_id=snap.pk)
    import_s = time.perf_counter() - start
    snap.cpu_s = time.process_time() - cpu  # this process only (not the database server's)
    cpu_s = snap.cpu_s
    snap.refresh_from_db()
    snap.cpu_s = cpu_s
    assert status == "current", snap.message
    return snap, store_s, import_s


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.db == "both":
        rest = [a for a in (argv if argv is not None else sys.argv[1:]) if a not in ("--db", "both")]
        return _common.rerun_per_database(__file__, ["postgres", "sqlite"], rest)
    print("machine:", _common.machine())
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection

    from qinglian.accounts.models import User
    from qinglian.registries.models import CompanyRole, RawRow, RegistryPerson, Source

    if connection.vendor == "postgresql":
        print("PostgreSQL", _common.pg_version(args.pg_url))
    print(f"\n== registries_import on {args.db}: {args.rows:,} company-role rows ==")
    path = Path(os.environ["QINGLIAN_DATA_DIR"]) / "registry.csv"
    t = {}
    with _common.timed("write the CSV (not timed)", t):
        info = write_file(path, args.rows, args.seed)
    print(f"  file: {path.stat().st_size / 1024 / 1024:.1f} MB, {info['bad']:,} rows with a bad check digit")
    user = User.objects.create_user(username="bench", password="bench-password-123")
    source = Source.objects.create(name="bench", kind="company", agency_name="bench", created_by=user)
    load_before = os.getloadavg()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    snap, store_s, import_s = run_import(source, path, user, date(2026, 10, 31))
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    rows = [[f"import into empty tables ({args.db})", f"{store_s:.1f}", f"{import_s:.1f}",
             f"{snap.imported_rows / import_s:,.0f}", f"{snap.cpu_s:.1f}"]]  # fmt: skip
    print(f"  first import: {snap.imported_rows:,} imported, {snap.excluded_rows:,} excluded; persons "
          f"{snap.person_count:,}, companies {snap.company_count:,}; {import_s:.1f} s")  # fmt: skip
    assert snap.imported_rows + snap.excluded_rows == args.rows
    assert snap.excluded_rows == info["bad"]
    assert CompanyRole.objects.count() == RawRow.objects.count() == snap.imported_rows
    if args.replace:
        second, store2, import2 = run_import(source, path, user, date(2026, 11, 20))
        assert RegistryPerson.objects.filter(snapshot=snap).count() == 0
        assert CompanyRole.objects.count() == second.imported_rows
        rows.append([f"replacing snapshot ({args.db}; incl. deleting the old rows)", f"{store2:.1f}", f"{import2:.1f}",
                     f"{second.imported_rows / import2:,.0f}", f"{second.cpu_s:.1f}"])  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(
        _common.table(
            rows, [f"{args.rows:,} rows", "store upload s", "import s", "rows/s", "import CPU s (Python)"]
        )
    )
    print(f"\n  peak RSS {peak_mb:,.0f} MB; load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
