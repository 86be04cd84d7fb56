"""Benchmark: record linkage of cadres and relatives against registry persons (issue 10,
"Performance and accuracy"), our engine side by side with Splink, in one run on the same data.

    .venv/bin/python bench/matching_linkage.py                 # full size (800,000 × 5,000,000)
    .venv/bin/python bench/matching_linkage.py --scale 0.1     # development size
    .venv/bin/python bench/matching_linkage.py --data DIR      # reuse data from bench/_matching_gen.py

Steps: the seeded ground truth (bench/_matching_gen.py: 200,000 cadres, 600,000 relatives,
5,000,000 company-role rows, 1,000,000 awards, 30,000 planted links) is written to Parquet once;
then each contestant runs in its own process, reading the same files, so that its wall time and
peak memory (ru_maxrss of that process, DuckDB's memory included) are its own:

- ours: `qinglian.matching.linkage.link` (+ the matching app's rules, `qinglian.matching.rules`,
  on the links, when the module imports; otherwise linkage alone, and the report says so);
- Splink 5 (DuckDB backend), configured as the issue states, not tuned by us: link_only; blocking
  on exact ID hash, exact birth date, surname + birth year; comparisons name (exact, Jaro-Winkler
  ≥ 0.92, ≥ 0.88), birth date (exact, Levenshtein ≤ 1), ID (exact), county (exact); u by random
  sampling; m by EM on each of the three blocking rules; the prior from the exact-ID rule with an
  assumed recall equal to the share of registry rows that carry an ID; links at match
  probability ≥ 0.9. EM sessions are capped at --em-pairs blocked pairs each (Splink's own
  max_pairs sampling), otherwise the surname + birth-year block alone is billions of pairs.

Scored on the planted links: precision, recall, F1 (pairs at or above 0.9), wall time, peak RSS,
and the speed ratio. Bars (issue 10): precision ≥ 0.99, recall ≥ 0.97, ours ≥ 20× faster than
Splink at no lower F1, peak < 8 GB, whole run < 20 min.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402

HERE = Path(__file__).resolve()


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --- contestants (each in its own process) ------------------------------------------------------


def run_ours(data: Path, out: Path) -> dict:
    import polars as pl

    from qinglian.matching.linkage import Params, link

    t0 = time.perf_counter()
    left = pl.read_parquet(
        data / "left.parquet", columns=["id", "name", "id_hash", "birth_date", "county", "gender"]
    )
    right = pl.read_parquet(
        data / "right.parquet", columns=["id", "name", "id_hash", "birth_date", "county", "gender"]
    )
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    links = link(left, right, Params())
    t_link = time.perf_counter() - t1
    # Links and the review band, with their scores: the figures take the links (score ≥ the
    # threshold); the precision/recall curve below the threshold is printed beside them.
    links.select("left_id", "right_id", "score").write_parquet(out)
    result = {
        "read_s": t_read,
        "linkage_s": t_link,
        "links": int((links["band"] == "link").sum()),
        "review": int((links["band"] == "review").sum()),
    }
    result["rules"] = run_rules(data, links)
    # Timed: building the rules' frames and applying the rules (not Django's start nor file reads).
    result["rules_s"] = (
        result["rules"]["frames_s"] + result["rules"]["apply_s"] if result["rules"].get("ran") else 0.0
    )
    result["wall_s"] = t_link + result["rules_s"]
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def run_rules(data: Path, links) -> dict:
    """The matching app's frame-based rules over our links, when the module is importable."""
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.test_settings")
        os.environ.setdefault("QINGLIAN_TESTING", "true")
        os.environ.setdefault("QINGLIAN_DATA_DIR", tempfile.mkdtemp(prefix="qinglian-bench-"))
        import django

        django.setup()
        from qinglian.matching import rules as R
    except Exception as exc:  # noqa: BLE001 - any failure means "not available", reported as such
        return {"ran": False, "why": f"qinglian.matching.rules not importable: {type(exc).__name__}: {exc}"}
    try:
        return _apply_rules(R, data, links)
    except Exception as exc:  # noqa: BLE001
        return {"ran": False, "why": f"rules failed on benchmark frames: {type(exc).__name__}: {exc}"}


def _apply_rules(R, data: Path, links) -> dict:
    from datetime import date

    import polars as pl

    left = pl.read_parquet(data / "left.parquet")
    right = pl.read_parquet(data / "right.parquet")
    companies = pl.read_parquet(data / "companies.parquet")
    awards = pl.read_parquet(data / "awards.parquet")
    t = time.perf_counter()
    frames = R.Frames()
    cadres = left.filter(pl.col("kind") == "cadre")
    frames["cadres"] = R.conform(
        "cadres",
        cadres.select(
            pl.col("id").alias("cadre_id"),
            "name",
            "unit_id",
            pl.lit("division").alias("post_level"),
            pl.lit(True).alias("is_leader"),
            pl.lit("serving").alias("status"),
            pl.lit(None, pl.Date).alias("status_date"),
        ),
    )
    frames["relatives"] = R.conform(
        "relatives",
        left.filter(pl.col("kind") == "relative").select(
            pl.col("id").alias("relative_id"), "cadre_id", "relation", "name"
        ),
    )
    units = pl.DataFrame({"unit_id": pl.int_range(1, int(cadres["unit_id"].max()) + 1, eager=True)})
    frames["units"] = R.conform("units", units.with_columns(pl.lit("单位").alias("name")))
    frames["posts"] = R.conform("posts", cadres.select(pl.col("id").alias("cadre_id"), "unit_id"))
    kinds = left.select(pl.col("id").alias("left_id"), "kind", "cadre_id", "relation")
    frames["links"] = R.conform(
        "links",
        links.join(kinds, on="left_id").select(
            pl.col("kind").alias("subject"),
            "cadre_id",
            pl.when(pl.col("kind") == "relative").then(pl.col("left_id")).alias("relative_id"),
            "relation",
            pl.col("right_id").alias("registry_person_id"),
            "score",
            "method",
            "evidence",
            "band",
        ),
    )
    frames["persons"] = R.conform(
        "persons",
        right.select(
            pl.col("id").alias("registry_person_id"),
            "name",
            pl.lit(1).alias("snapshot_id"),
            pl.col("id").alias("row_no"),
        ),
    )
    frames["companies"] = R.conform(
        "companies",
        companies.select(
            pl.col("id").alias("company_id"),
            "name",
            (pl.lit("91") + pl.col("id").cast(pl.Utf8).str.zfill(16)).alias("credit_code"),
            pl.col("industry").alias("industry_code"),
            pl.col("county").alias("region_code"),
            pl.lit(2).alias("snapshot_id"),
            pl.col("id").alias("row_no"),
        ),
    )
    frames["roles"] = R.conform(
        "roles",
        right.select(
            pl.col("id").alias("role_id"),
            "company_id",
            pl.col("id").alias("registry_person_id"),
            "role",
            "share_pct",
            pl.lit(1).alias("snapshot_id"),
            pl.col("id").alias("row_no"),
        ),
    )
    frames["awards"] = R.conform(
        "awards",
        awards.select(
            pl.col("id").alias("award_id"),
            pl.col("id").cast(pl.Utf8).alias("reference"),
            pl.lit("采购").alias("title"),
            "buyer_unit_id",
            (pl.lit("91") + pl.col("winner_company_id").cast(pl.Utf8).str.zfill(16)).alias(
                "winner_credit_code"
            ),
            "amount",
            "award_date",
            pl.lit(3).alias("snapshot_id"),
            pl.col("id").alias("row_no"),
        ),
    )
    frames.snapshots = {1: "工商登记（基准）", 2: "企业（基准）", 3: "中标（基准）"}
    params = {code: {k: p.default for k, p in spec.params.items()} for code, spec in _specs(R).items()}
    if R.RETIRED_POST in params:
        params[R.RETIRED_POST].setdefault("months", 36)
    t_frames = time.perf_counter() - t
    t = time.perf_counter()
    hits = R.apply_rules(frames, params, date(2026, 11, 24))
    t_apply = time.perf_counter() - t
    return {
        "ran": True,
        "frames_s": t_frames,
        "apply_s": t_apply,
        "hits": hits.height,
        "by_rule": dict(hits.group_by("rule").len().sort("rule").iter_rows()),
    }


def _specs(R) -> dict:
    from qinglian.rules import registry

    return {code: registry.spec_for(code) for code in (R.LINKS, *R.RULE_CODES)}


def run_splink(
    data: Path, out: Path, *, memory_limit: str, threads: int, em_pairs: float, seed: int,
    chunks_left: int = 0, chunks_right: int = 0,
) -> dict:  # fmt: skip
    import duckdb
    import polars as pl
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from qinglian.matching.linkage.prepare import COMPOUND_SURNAMES

    t0 = time.perf_counter()

    def frame(name: str) -> pl.DataFrame:
        df = pl.read_parquet(
            data / f"{name}.parquet", columns=["id", "name", "id_hash", "birth_date", "county"]
        )
        compound = pl.col("name").str.slice(0, 2).is_in(COMPOUND_SURNAMES) & (
            pl.col("name").str.len_chars() > 2
        )
        return df.select(
            pl.col("id").alias("unique_id"),
            "name",
            pl.when(compound)
            .then(pl.col("name").str.slice(0, 2))
            .otherwise(pl.col("name").str.slice(0, 1))
            .alias("surname"),
            pl.col("birth_date").dt.strftime("%Y-%m-%d").alias("birth_date"),
            pl.col("birth_date").dt.year().alias("birth_year"),
            "id_hash",
            "county",
        )

    left, right = frame("left"), frame("right")
    t_read = time.perf_counter() - t0
    id_share = float(right["id_hash"].is_not_null().mean())
    t1 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='splink-spill-')}'")
    db_api = DuckDBAPI(connection=con)
    left_t = db_api.register(left.to_arrow(), table_name="cadres_and_relatives")
    right_t = db_api.register(right.to_arrow(), table_name="registry_persons")
    del left, right
    blocking = [block_on("id_hash"), block_on("birth_date"), block_on("surname", "birth_year")]
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.92, 0.88]),
            cl.LevenshteinAtThresholds("birth_date", [1]),
            cl.ExactMatch("id_hash"),
            cl.ExactMatch("county"),
        ],
        blocking_rules_to_generate_predictions=blocking,
    )
    linker = Linker([left_t, right_t], settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match([block_on("id_hash")], recall=id_share)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
    for rule in blocking:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_pairs)
    # Chunks (Splink's own option) bound the spill of the comparisons, not the result: the
    # predictions are the union of the chunks' (at full size, unchunked, 1.92 billion surname +
    # birth-year pairs filled 70 GB of disk).
    predictions = linker.inference.predict(
        threshold_match_probability=0.9,
        num_chunks_left=chunks_left or None,
        num_chunks_right=chunks_right or None,
    )
    links = con.sql(
        f"SELECT unique_id_l AS left_id, unique_id_r AS right_id, match_probability AS score "
        f"FROM {predictions.physical_name}"
    ).pl()
    wall = time.perf_counter() - t1
    links.write_parquet(out)
    return {
        "read_s": t_read,
        "linkage_s": wall,
        "wall_s": wall,
        "links": links.height,
        "peak_rss_mb": _peak_rss_mb(),
    }


# --- the run ------------------------------------------------------------------------------------


def quality(links_path: Path, truth_path: Path, threshold: float = 0.0) -> dict:
    import polars as pl

    truth = pl.read_parquet(truth_path)
    links = (
        pl.read_parquet(links_path)
        .filter(pl.col("score") >= threshold)
        .select(pl.col("left_id").cast(pl.Int64), pl.col("right_id").cast(pl.Int64))
        .unique()
    )
    tp = links.join(truth, on=["left_id", "right_id"]).height
    precision = tp / links.height if links.height else 0.0
    recall = tp / truth.height if truth.height else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    found = truth.join(links.with_columns(pl.lit(1).alias("hit")), on=["left_id", "right_id"], how="left")
    by_variant = {
        v: f"{h}/{n}"
        for v, n, h in found.group_by("variant")
        .agg(pl.len(), pl.col("hit").sum())
        .sort("variant")
        .iter_rows()
    }
    return {"tp": tp, "fp": links.height - tp, "fn": truth.height - tp, "precision": precision, "recall": recall,
            "f1": f1, "recall_by_variant": by_variant}  # fmt: skip


def _child(kind: str, args, data: Path, out: Path, timeout: float | None) -> dict:
    cmd = [sys.executable, str(HERE), "--worker", kind, "--data", str(data), "--out", str(out),
           "--memory-limit", args.memory_limit, "--threads", str(args.threads), "--em-pairs", str(args.em_pairs),
           "--seed", str(args.seed), "--splink-chunks", str(args.splink_chunks)]  # fmt: skip
    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s", "elapsed_s": time.perf_counter() - t}
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}",
                "stderr_tail": proc.stderr[-3000:], "elapsed_s": time.perf_counter() - t}  # fmt: skip
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["children_peak_rss_mb"] = child_peak
    result["process_s"] = time.perf_counter() - t
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", type=Path, help="directory of an earlier bench/_matching_gen.py run")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--splink-timeout", type=float, default=3600.0, help="seconds (default %(default)s)")
    parser.add_argument(
        "--memory-limit", default="10GB", help="DuckDB memory_limit for Splink (default %(default)s)"
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--em-pairs", type=float, default=5e6)
    parser.add_argument("--splink-chunks", type=int, default=0,
                        help="split Splink's prediction into this many chunks of the registry side (its "
                             "num_chunks_right; same links, bounded spill); 0: not split")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--worker", choices=("ours", "splink"), help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "ours":
        print(json.dumps(run_ours(args.data, args.out), ensure_ascii=False, default=str))
        return 0
    if args.worker == "splink":
        print(json.dumps(run_splink(args.data, args.out, memory_limit=args.memory_limit, threads=args.threads,
                                    em_pairs=args.em_pairs, seed=args.seed,
                                    chunks_right=args.splink_chunks)))  # fmt: skip
        return 0

    started = time.perf_counter()
    machine = _common.machine()
    print(
        f"matching_linkage: {'data ' + str(args.data) if args.data else f'scale {args.scale}'} — {machine}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="matching-bench-"))
    data = args.data
    if data is None:
        from bench import _matching_gen

        data = work / "data"
        with _common.timed("generate (not part of the figures)"):
            meta = _matching_gen.generate(data, scale=args.scale, seed=args.seed)
    else:
        meta = json.loads((data / "meta.json").read_text())
    print(f"  data: {json.dumps(meta, ensure_ascii=False)}", flush=True)

    results: dict = {"machine": machine, "data": meta}
    with _common.timed("ours (linkage + rules)"):
        ours = _child("ours", args, data, work / "ours.parquet", None)
    if "error" not in ours:
        from qinglian.matching.linkage import Params

        ours["quality"] = quality(work / "ours.parquet", data / "truth.parquet", Params().threshold)
        ours["curve"] = {
            t: quality(work / "ours.parquet", data / "truth.parquet", t)
            for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
        }
    results["ours"] = ours
    if not args.skip_splink:
        with _common.timed("splink"):
            splink = _child("splink", args, data, work / "splink.parquet", args.splink_timeout)
        if "error" not in splink:
            splink["quality"] = quality(work / "splink.parquet", data / "truth.parquet")
        results["splink"] = splink
    results["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["whole_run_s"] = time.perf_counter() - started

    rows = []
    for name in ("ours", "splink"):
        r = results.get(name)
        if not r:
            continue
        if "error" in r:
            rows.append([name, "—", "—", "—", "—", "—", r["error"]])
            continue
        q = r["quality"]
        rows.append([name, f"{q['precision']:.4f}", f"{q['recall']:.4f}", f"{q['f1']:.4f}", f"{r['wall_s']:.1f}",
                     f"{r['peak_rss_mb'] / 1024:.2f}", f"links {r['links']:,}"])  # fmt: skip
    print()
    print(_common.table(rows, ["run", "precision", "recall", "F1", "wall s", "peak GB", "note"]))
    if "quality" in ours:
        print(f"ours by variant: {ours['quality']['recall_by_variant']}")
        print("ours, precision / recall if the links were taken from a lower score (the review band):")
        for t, q in ours["curve"].items():
            print(f"  score ≥ {t:.2f}: precision {q['precision']:.4f}, recall {q['recall']:.4f}, F1 {q['f1']:.4f}")
        rules = ours.get("rules", {})
        print(f"rules: {json.dumps(rules, ensure_ascii=False)}")
    if "splink" in results and "quality" in results["splink"] and "quality" in ours:
        ratio = results["splink"]["wall_s"] / ours["wall_s"]
        results["speed_ratio"] = ratio
        print(
            f"speed ratio (Splink / ours): {ratio:.1f}x; splink by variant: {results['splink']['quality']['recall_by_variant']}"
        )
    print(f"whole run {results['whole_run_s']:.0f} s; load after {results['load_after']}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
