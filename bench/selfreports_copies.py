"""Benchmark: finding copied self-reports (issue 8 item 7 and its performance bar).

    .venv/bin/python bench/selfreports_copies.py                 # 100,000 reports
    .venv/bin/python bench/selfreports_copies.py --reports 10000 # a quick run
    .venv/bin/python bench/selfreports_copies.py --no-datasketch # ours only

Bar: on 100,000 generated reports of about 3,000 characters (planted copies, near-copies and partial
copies, shared policy quotations), both sides use the same character 5-gram shingles, 128
permutations and a 0.8 Jaccard threshold; recall ≥ 0.95 of the planted pairs above the threshold
and of the pairs found by exact Jaccard on a 5,000-report sample, precision ≥ 0.95, in at most a
tenth of the time datasketch's MinHash (xxhash) + MinHashLSH (16 bands × 8 rows) takes from
shingle sets to verified pairs, measured side by side in one run.

What is timed:
- ours (qinglian.selfreports.similarity): from the shingles (the windows of each report's
  normalised code points) through shingle hashing (a block of reports at a time, inside the
  stages), document frequencies and common-passage filtering, signatures, LSH and exact
  verification; the normalisation of the texts (full-width forms folded, whitespace dropped) is
  timed on its own and a second ratio counts it too;
- datasketch: from each report's shingle set (Python set of the UTF-8 bytes of its 5-grams,
  common passages already removed: the same sets ours uses; building those sets is NOT timed)
  through MinHash(num_perm=128, hashfunc=xxhash.xxh32_intdigest).update_batch, MinHashLSH inserts,
  one query per report and exact verification of the candidates (the same verification function
  as ours, on its own cache of sets).
The generator is seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _common  # noqa: E402
from qinglian.selfreports import similarity as S  # noqa: E402

PUNCT = ["，", "。", "；", "、", "：", "！"]


class Generator:
    """Fictional reports as token sequences over a random lexicon of Chinese "words"."""

    def __init__(self, seed: int = 20261124, words: int = 40_000, quotes: int = 300):
        rng = self.rng = np.random.default_rng(seed)
        alphabet = 0x4E00 + rng.choice(20_902, 3_500, replace=False)
        cw = 1.0 / np.arange(1, alphabet.shape[0] + 1) ** 0.9
        cw /= cw.sum()
        lengths = rng.choice([1, 2, 3, 4], size=words, p=[0.12, 0.58, 0.2, 0.1])
        flat = rng.choice(alphabet, size=int(lengths.sum()), p=cw)
        cuts = np.cumsum(lengths)[:-1]
        word_strs = ["".join(map(chr, w)) for w in np.split(flat, cuts)]
        ww = 1.0 / (np.arange(words) + 10.0)
        self.word_cdf = np.cumsum(ww / ww.sum())
        self.n_words = words
        self.punct0 = words
        table = word_strs + PUNCT
        # policy quotations and slogans, wrapped in quotation marks; popularity by Zipf
        self.quote0 = len(table)
        for _ in range(quotes):
            q = self._render_ids(self.own(int(rng.integers(15, 45))), word_strs + PUNCT)
            table.append("“" + q + "”")
        qw = 1.0 / np.arange(1, quotes + 1) ** 0.8
        self.quote_cdf = np.cumsum(qw / qw.sum())
        self.n_quotes = quotes
        # the standard block: ~2,700 characters of a central document copied whole by some
        block = self._render_ids(self.own(1_050), word_strs + PUNCT)
        self.block = len(table)
        table.append(block)
        self.table = np.array(table, dtype=object)

    @staticmethod
    def _render_ids(ids, table) -> str:
        return "".join(table[i] for i in ids)

    def render(self, ids: np.ndarray) -> str:
        return "".join(self.table[ids].tolist())

    def own(self, n_words: int) -> np.ndarray:
        rng = self.rng
        w = np.searchsorted(self.word_cdf, rng.random(n_words)).astype(np.int32)
        # punctuation every 4-12 words
        gaps = rng.integers(4, 13, size=n_words // 4 + 2)
        pos = np.cumsum(gaps)
        pos = pos[pos < n_words]
        p = self.punct0 + rng.choice(len(PUNCT), size=pos.shape[0], p=[0.55, 0.25, 0.06, 0.08, 0.03, 0.03])
        return np.insert(w, pos, p.astype(np.int32))

    def quotes(self, k: int) -> np.ndarray:
        return (self.quote0 + np.searchsorted(self.quote_cdf, self.rng.random(k))).astype(np.int32)

    def report(self, heavy: bool = False) -> np.ndarray:
        rng = self.rng
        if heavy:
            body = self.own(int(rng.integers(90, 140)))
            extra = np.concatenate(([self.block], self.quotes(int(rng.integers(1, 3)))))
        else:
            body = self.own(int(rng.integers(960, 1_120)))
            extra = self.quotes(int(rng.integers(3, 9)))
        pos = np.sort(rng.integers(0, body.shape[0] + 1, size=extra.shape[0]))
        return np.insert(body, pos, extra.astype(np.int32))

    def edit(self, ids: np.ndarray, rate: float) -> np.ndarray:
        """Substitute, delete and insert words at the given rate per token."""
        rng = self.rng
        if rate <= 0:
            return ids.copy()
        r = rng.random(ids.shape[0])
        out = ids.copy()
        sub = r < rate / 2
        out[sub] = np.searchsorted(self.word_cdf, rng.random(int(sub.sum())))
        keep = ~((r >= rate / 2) & (r < rate * 3 / 4))
        out = out[keep]
        ins_at = np.flatnonzero(rng.random(out.shape[0]) < rate / 4)
        return np.insert(
            out, ins_at, np.searchsorted(self.word_cdf, rng.random(ins_at.shape[0])).astype(np.int32)
        )

    def partial(self, ids: np.ndarray, fraction: float) -> np.ndarray:
        """A report that copies a contiguous `fraction` of `ids` and writes the rest itself."""
        n = ids.shape[0]
        take = int(n * fraction)
        start = int(self.rng.integers(0, n - take + 1))
        own = self.own(max(10, int((n - take) * 0.9)))
        cut = int(self.rng.integers(0, own.shape[0] + 1))
        return np.concatenate((own[:cut], ids[start : start + take], own[cut:]))


def generate(n: int, seed: int = 20261124, family_share: float = 0.2, heavy_share: float = 0.02):
    """(texts, families): families are lists of report indices planted as related."""
    g = Generator(seed)
    rng = g.rng
    docs: list[np.ndarray] = []
    families: list[list[int]] = []
    target_family_docs = int(n * family_share)
    while len(docs) < target_family_docs:
        base = g.report()
        kind = rng.choice(["year", "person", "partial", "exact"], p=[0.4, 0.3, 0.2, 0.1])
        members = [base]
        if kind == "year":  # the same person, year after year, each year edited from the last
            for _ in range(int(rng.integers(1, 5))):
                members.append(g.edit(members[-1], float(rng.uniform(0.0, 0.06))))
        elif kind == "person":  # others copy one person's report
            for _ in range(int(rng.integers(1, 4))):
                members.append(g.edit(base, float(rng.uniform(0.0, 0.06))))
        elif kind == "partial":
            members.append(
                g.edit(g.partial(base, float(rng.uniform(0.3, 0.97))), float(rng.uniform(0, 0.02)))
            )
        else:
            members.append(base.copy())
        idx = list(range(len(docs), len(docs) + len(members)))
        docs.extend(members)
        families.append(idx)
    while len(docs) < n:
        docs.append(g.report(heavy=rng.random() < heavy_share / (1 - family_share)))
    docs = docs[:n]
    families = [[i for i in f if i < n] for f in families]
    families = [f for f in families if len(f) > 1]
    # shuffle positions so that families are scattered
    perm = rng.permutation(n)
    inv = np.empty(n, dtype=np.int64)
    inv[perm] = np.arange(n)
    texts = [None] * n
    for old, new in enumerate(inv.tolist()):
        texts[new] = g.render(docs[old])
    families = [sorted(int(inv[i]) for i in f) for f in families]
    return texts, families


def pairs_set(pairs) -> set[tuple[int, int]]:
    return {(p.i, p.j) if p.i < p.j else (p.j, p.i) for p in pairs}


def planted_truth(families, sets, threshold: float) -> set[tuple[int, int]]:
    out = set()
    for f in families:
        for x in range(len(f)):
            for y in range(x + 1, len(f)):
                i, j = f[x], f[y]
                a, b = sets[i], sets[j]
                inter = S.intersection_size(a, b)
                union = a.shape[0] + b.shape[0] - inter
                if union and inter / union >= threshold:
                    out.add((min(i, j), max(i, j)))
    return out


def sample_truth(sample: np.ndarray, sets, threshold: float) -> set[tuple[int, int]]:
    """Every pair of the sample with exact Jaccard ≥ threshold, by brute force over all pairs
    (a sparse incidence matrix times its transpose gives every pair's intersection)."""
    from scipy import sparse

    arrays = [sets[int(i)] for i in sample]
    sizes = np.array([a.shape[0] for a in arrays])
    allh = np.concatenate(arrays)
    uniq, cols = np.unique(allh, return_inverse=True)
    rows = np.repeat(np.arange(len(arrays)), sizes)
    x = sparse.csr_matrix(
        (np.ones(allh.shape[0], dtype=np.int32), (rows, cols)), shape=(len(arrays), uniq.shape[0])
    )
    inter = (x @ x.T).tocoo()
    m = inter.row < inter.col
    r, c, v = inter.row[m], inter.col[m], inter.data[m]
    jac = v / (sizes[r] + sizes[c] - v)
    hit = jac >= threshold
    out = set()
    for a, b in zip(r[hit].tolist(), c[hit].tolist(), strict=True):
        i, j = int(sample[a]), int(sample[b])
        out.add((min(i, j), max(i, j)))
    return out


def choose_sample(n: int, families, size: int, seed: int) -> np.ndarray:
    """About half the sample as whole families, the rest single reports at random."""
    rng = np.random.default_rng(seed + 1)
    chosen: list[int] = []
    for f in rng.permutation(len(families)).tolist():
        if len(chosen) >= size // 2:
            break
        chosen.extend(families[f])
    taken = set(chosen)
    rest = [i for i in rng.permutation(n).tolist() if i not in taken]
    chosen.extend(rest[: size - len(chosen)])
    return np.array(sorted(chosen[:size]), dtype=np.int64)


def run_datasketch(texts, corpus, common, params, bands=16, rows=8):
    import xxhash
    from datasketch import MinHash, MinHashLSH

    filt = S.CommonFilter(common)
    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm, params=(bands, rows))
    mhs = []
    timed = 0.0
    prep = 0.0
    cpu = 0.0
    k = params.shingle
    for i, text in enumerate(texts):
        t0 = time.perf_counter()
        norm = S.normalise_fast(text)
        h = S.text_hashes(text, k)  # by position (the corpus's own copy is sorted by now)
        keep = np.flatnonzero(filt.keep(h)).tolist()
        shingles = {norm[p : p + k].encode("utf-8") for p in keep}
        t1 = time.perf_counter()
        c1 = time.process_time()
        m = MinHash(num_perm=params.num_perm, hashfunc=xxhash.xxh32_intdigest)
        if shingles:
            m.update_batch(shingles)
            lsh.insert(i, m)
        mhs.append(m if shingles else None)
        t2 = time.perf_counter()
        cpu += time.process_time() - c1
        prep += t1 - t0
        timed += t2 - t1
    c0 = time.process_time()
    t0 = time.perf_counter()
    codes = set()
    for i, m in enumerate(mhs):
        if m is None:
            continue
        for j in lsh.query(m):
            if j != i:
                codes.add((min(i, j), max(i, j)))
    cand = np.array(sorted(codes), dtype=np.int64).reshape(-1, 2)
    t1 = time.perf_counter()
    pairs = S.verify(cand, S.SetCache(corpus, common), params.threshold)
    t2 = time.perf_counter()
    cpu += time.process_time() - c0
    timings = {"minhash+insert": timed, "query": t1 - t0, "verify": t2 - t1}
    return pairs, int(cand.shape[0]), timings, prep, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="also run ours with this many threads for the signatures (default 2)",
    )
    parser.add_argument(
        "--affine", action="store_true", help="also time ours with random affine permutations"
    )
    args = parser.parse_args(argv)
    print(
        f"selfreports_copies: {args.reports:,} reports, one thread and {args.workers} threads for signatures — {_common.machine()}",
        flush=True,
    )
    params = S.Params(threshold=args.threshold)

    t = time.perf_counter()
    texts, families = generate(args.reports, args.seed)
    chars = sum(map(len, texts))
    print(
        f"  generated {len(texts):,} reports, {chars / len(texts):,.0f} characters on average, "
        f"{len(families):,} planted families ({sum(map(len, families)):,} reports) "
        f"in {time.perf_counter() - t:.1f} s (not timed)",
        flush=True,
    )
    gc.collect()

    # ours: normalisation (the shingles are the windows of the normalised code points) is timed on
    # its own; the figure compared with datasketch runs from those shingles to verified pairs.
    # Run once with one thread and, with --workers N > 1 (default 2), once more with N threads.
    c0 = time.process_time()
    t0 = time.perf_counter()
    cps = S.normal_codepoints(texts)
    tn = time.perf_counter()
    cn = time.process_time()
    norm_time, norm_cpu = tn - t0, cn - c0
    print(f"  ours: normalising the texts {norm_time:.2f} s (CPU {norm_cpu:.2f} s)", flush=True)
    runs = {}
    for workers in sorted({1, args.workers}):
        gc.collect()
        c1 = time.process_time()
        t1 = time.perf_counter()
        corpus = S.Corpus.from_codepoints(cps, params.shingle)
        res = S.find_pairs(corpus, params, workers=workers)
        t3 = time.perf_counter()
        runs[workers] = (t3 - t1, time.process_time() - c1, res)
        # shingle hashing happens inside the stages, a block of reports at a time: for the DF
        # sample (common), every report (minhash) and the candidates' reports (verify)
        print(f"  ours ({workers} thread(s)): " + ", ".join(f"{k} {v:.2f} s" for k, v in res.timings.items()))
        print(
            f"  ours ({workers} thread(s)), CPU: " + ", ".join(f"{k} {v:.2f} s" for k, v in res.cpu.items())
        )
        print(
            f"  ours ({workers} thread(s)): {t3 - t1:.2f} s from shingles to pairs (CPU {runs[workers][1]:.2f} s), "
            f"bands {res.bands} × rows {res.rows}, {res.candidates:,} candidates, {len(res.pairs):,} pairs, "
            f"{res.common.shape[0]:,} common shingles, {res.empty} reports left empty",
            flush=True,
        )
    ours_time, ours_cpu, res = runs[1]
    affine = None
    if args.affine:
        t = time.perf_counter()
        res_aff = S.find_pairs(corpus, S.Params(threshold=args.threshold, method="affine"))
        affine = (time.perf_counter() - t, res_aff)
        print(f"  ours (affine permutations): {affine[0]:.2f} s, {len(res_aff.pairs):,} pairs", flush=True)

    sets = S.SetCache(corpus, res.common)
    truth = planted_truth(families, sets, params.threshold)
    sample = choose_sample(len(texts), families, args.sample, args.seed)
    t = time.perf_counter()
    exact = sample_truth(sample, sets, params.threshold)
    print(
        f"  truth: {len(truth):,} planted pairs ≥ {params.threshold}; {len(exact):,} exact pairs in the "
        f"{len(sample):,}-report sample ({time.perf_counter() - t:.1f} s, not timed)",
        flush=True,
    )
    in_sample = set(sample.tolist())

    def score(pairs):
        found = pairs_set(pairs)
        r_planted = len(found & truth) / len(truth) if truth else 1.0
        found_sample = {p for p in found if p[0] in in_sample and p[1] in in_sample}
        r_exact = len(found_sample & exact) / len(exact) if exact else 1.0
        precision = len(found & truth) / len(found) if found else 1.0
        return r_planted, r_exact, precision

    rows = []
    for workers, (w_time, _, w_res) in runs.items():
        if workers != 1:
            rw = score(w_res.pairs)
            rows.append([f"ours (rotations, {workers} threads)", f"{w_time:.1f}", f"{w_res.bands}×{w_res.rows}",
                         f"{w_res.candidates:,}", f"{len(w_res.pairs):,}", f"{rw[0]:.4f}", f"{rw[1]:.4f}",
                         f"{rw[2]:.4f}"])  # fmt: skip
    r = score(res.pairs)
    rows.append(
        [
            "ours (rotations, one thread)",
            f"{ours_time:.1f}",
            f"{res.bands}×{res.rows}",
            f"{res.candidates:,}",
            f"{len(res.pairs):,}",
            f"{r[0]:.4f}",
            f"{r[1]:.4f}",
            f"{r[2]:.4f}",
        ]
    )
    if affine:
        ra = score(affine[1].pairs)
        rows.append(
            [
                "ours (affine)",
                f"{affine[0]:.1f}",
                f"{affine[1].bands}×{affine[1].rows}",
                f"{affine[1].candidates:,}",
                f"{len(affine[1].pairs):,}",
                f"{ra[0]:.4f}",
                f"{ra[1]:.4f}",
                f"{ra[2]:.4f}",
            ]
        )
    ds_time = None
    if not args.no_datasketch:
        print("  datasketch ...", flush=True)
        pairs, cand, timings, prep, ds_cpu = run_datasketch(texts, corpus, res.common, params)
        ds_time = sum(timings.values())
        print(
            "  datasketch: "
            + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
            + f" = {ds_time:.2f} s, CPU {ds_cpu:.2f} s (building its shingle sets, not timed: {prep:.1f} s)",
            flush=True,
        )
        rd = score(pairs)
        rows.append(
            [
                "datasketch (xxhash, 16×8)",
                f"{ds_time:.1f}",
                "16×8",
                f"{cand:,}",
                f"{len(pairs):,}",
                f"{rd[0]:.4f}",
                f"{rd[1]:.4f}",
                f"{rd[2]:.4f}",
            ]
        )
    print()
    print(
        _common.table(
            rows,
            [
                "method",
                "seconds",
                "bands",
                "candidates",
                "pairs",
                "recall planted",
                "recall exact (sample)",
                "precision",
            ],
        )
    )
    if ds_time:
        speed = ds_time / ours_time
        ok = speed >= 10 and r[0] >= 0.95 and r[1] >= 0.95 and r[2] >= 0.95
        print(
            f"\n  speed-up, one thread: {speed:.1f}× wall, {ds_cpu / ours_cpu:.1f}× CPU; with our text "
            f"normalisation counted too: {ds_time / (ours_time + norm_time):.1f}× wall (bar 10×)"
        )
        print(f"  verdict (one thread, wall): {'MET' if ok else 'NOT MET'}")
        for workers, (w_time, w_cpu, w_res) in runs.items():
            if workers == 1:
                continue
            rw = score(w_res.pairs)
            w_speed = ds_time / w_time
            w_ok = w_speed >= 10 and min(rw) >= 0.95
            print(
                f"  speed-up, {workers} threads: {w_speed:.1f}× wall (CPU {w_cpu:.2f} s); "
                f"verdict ({workers} threads, wall): {'MET' if w_ok else 'NOT MET'}"
            )
    print(f"  load average at the end: {_common.machine()['load']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
