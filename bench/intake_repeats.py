"""Benchmark: the repeat check for a new report with 200,000 stored reports on PostgreSQL (issue 5,
"Performance": under 100 ms).

    python bench/intake_repeats.py              # 200,000 reports, PostgreSQL, 200 checks
    python bench/intake_repeats.py --small      # 20,000 reports, 50 checks

Steps, in one process: a county commission (the receiving unit) and a member of its 信访室;
200,000 stored reports bulk-loaded with real fingerprints (a keyed-hash name hash from 20,000 names,
the MinHash signature of a generated text and its 16 LSH bands — 3.2 million band rows), about one
in ten a near copy of an earlier one; VACUUM ANALYZE. Then new reports are created through
`report_create` (sealing, numbering, fingerprints) and `repeats.repeat_candidates(report,
viewer=clerk)` is timed for each: warm-up checks, then `--checks` timed ones. Prints p50 / p95 /
max and the candidates found. Content is not needed by the check (it never decrypts), so the
stored rows carry fingerprints only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

BAR_MS = 100
WORDS = ("局长 书记 主任 校长 院长 村支书 会计 站长 科长 所长 收受 红包 礼金 工程 食堂 补偿款 低保 公车 宴请 "
         "亲属 妻弟 承揽 好处费 违规 发放 津贴 挪用 侵占 虚报 冒领 优亲厚友 打牌 赌博 吃喝 旅游 报销 发票 "
         "学校 医院 水利 道路 扶贫 项目 资金 土地 拆迁 审批 执法 罚款").split()  # fmt: skip


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, default=200_000)
    p.add_argument("--checks", type=int, default=200)
    p.add_argument("--small", action="store_true", help="20,000 reports, 50 checks")
    p.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    _common.add_db_arguments(p)
    args = p.parse_args(argv)
    if args.small:
        args.reports, args.checks = 20_000, 50
    return args


def text(rng: random.Random) -> str:
    return "反映" + "".join(rng.choice(WORDS) for _ in range(rng.randint(18, 40))) + "。"


def load(n: int, unit, rng: random.Random) -> None:
    from django.utils import timezone

    from qinglian.intake import similarity
    from qinglian.intake.models import Report, SimilarityBand

    names = [similarity.name_hash(f"某{i}") for i in range(20_000)]
    now = timezone.now()
    texts: list[str] = []
    batch = 5_000
    for start in range(0, n, batch):
        rows, sigs = [], []
        for i in range(start, min(n, start + batch)):
            if texts and rng.random() < 0.1:
                t = rng.choice(texts) + rng.choice(WORDS)  # a near copy of an earlier report
            else:
                t = text(rng)
            if len(texts) < 5_000:
                texts.append(t)
            sig = similarity.signature(t)
            sigs.append(sig)
            rows.append(Report(
                number=f"B{i:09d}", channel="letter", received_at=now, receiving_unit=unit, status="registered",
                status_changed_at=now, subject_name_hash=rng.choice(names), similarity_signature=similarity.to_bytes(sig),
            ))  # fmt: skip
        Report.objects.bulk_create(rows, batch_size=batch)
        bands = [SimilarityBand(report_id=r.pk, value=v) for r, s in zip(rows, sigs, strict=True)
                 for v in similarity.bands(s)]  # fmt: skip
        SimilarityBand.objects.bulk_create(bands, batch_size=20_000)
        print(f"  {min(n, start + batch):,} reports", flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    _common.setup(args.db, pg_url=args.pg_url, keep=args.keep)
    from django.db import connection

    from qinglian.accounts.models import User
    from qinglian.accounts.services import role_assign
    from qinglian.intake.repeats import repeat_candidates
    from qinglian.intake.services import report_create
    from qinglian.people.services import unit_create

    rng = random.Random(20261124)
    county = unit_create(
        actor=None, code="BQ", name="基准县", kind="jurisdiction", level="county", parent=None
    )
    jw = unit_create(actor=None, code="BQ-JW", name="基准县纪委监委", kind="discipline_commission", level="county",
                     parent=county)  # fmt: skip
    clerk = User.objects.create_user(username="bench_clerk", password="x-bench-123456", unit=jw)
    role_assign(actor=None, user=clerk, role="petitions_intake", anchor=county, reason="基准测试")
    t0 = time.perf_counter()
    load(args.reports, jw, rng)
    print(f"loaded {args.reports:,} reports in {time.perf_counter() - t0:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE intake_report")
            c.execute("VACUUM ANALYZE intake_similarityband")
    samples, found = [], []
    for i in range(args.checks + 10):
        facts = text(rng) if i % 2 else "反映" + "".join(rng.choice(WORDS) for _ in range(30))
        new = report_create(actor=clerk, channel="visit", receiving_unit=jw,
                            content={"facts": facts, "subject_name": f"某{rng.randrange(20_000)}"})  # fmt: skip
        t = time.perf_counter()
        result = repeat_candidates(new, viewer=clerk)
        elapsed = (time.perf_counter() - t) * 1000
        if i >= 10:  # warm-up
            samples.append(elapsed)
            found.append(len(result))
    samples.sort()
    p50 = statistics.median(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"repeat check, {args.reports:,} stored reports ({connection.vendor}), {len(samples)} checks: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms; "
          f"candidates per check: median {statistics.median(found):.0f}, max {max(found)}")  # fmt: skip
    print("bar: p95 < 100 ms —", "met" if p95 < BAR_MS else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
