"""Near-duplicate detection for self-reports (述职述廉报告, 民主生活会对照检查材料): pure functions,
no Django.

Method (issue 8 item 7):

- A report is normalised (full-width ASCII forms folded, whitespace removed: PDF and Word extraction break lines anywhere)
  and cut into character 5-gram shingles (Chinese needs no word segmentation). Each shingle is
  hashed to 32 bits by a vectorised polynomial over its code points followed by a 32-bit mixer.
- Passages many reports share (quotations of policy documents, slogans) are recognised by their
  document frequency: a shingle found in at least ``max(common_min_docs, common_fraction × N)``
  reports is *common* and leaves every shingle set before anything is compared, so it counts
  neither for nor against a pair. Frequencies are counted on a seeded sample of at most
  ``df_sample`` reports (all of them when there are fewer).
- A MinHash signature of ``num_perm`` (128) permutations of the 32-bit hash space per report. The
  default permutations are the rotations ``x ↦ (x − c_i) mod 2^32`` with ``c_i = i · 2^32/128``:
  the minimum of a set under rotation i is the successor of ``c_i`` in the set, so all 128 minima
  come from one sorted set with one ``searchsorted`` (this is one-permutation hashing with
  rotation densification, Li, Owen & Zhang 2012, Shrivastava & Li 2014; with a well-mixed hash,
  each slot collides with probability exactly J). The classic affine family
  ``(a·x + b) mod 2^32`` (a odd, random) is kept as ``method="affine"`` (one (128 × n) numpy array
  per report; about as fast as datasketch's own affine scheme) for comparison.
- Candidate pairs by LSH: the signature is cut into ``bands × rows`` with the largest number of
  rows whose probability of making a pair at the threshold a candidate is at least
  ``target_recall`` (0.8 → 21 × 6: 0.998 at J = 0.8), band keys are hashed rows, equal keys are
  grouped with numpy sort.
- Candidates are verified by the exact Jaccard similarity of the (filtered) shingle sets.

``shared_spans`` gives, for a pair, the character ranges of each text that the other one shares
(common passages excluded), which the pair page highlights, and the share of copied text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

U32 = np.uint32
U64 = np.uint64
MAX32 = np.uint32(0xFFFFFFFF)

# Multipliers of the shingle polynomial (odd 32-bit constants).
_POLY = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0xD3A2646C | 1], dtype=U32)


@dataclass(frozen=True)
class Params:
    shingle: int = 5
    num_perm: int = 128
    threshold: float = 0.8
    common_min_docs: int = 20
    common_fraction: float = 0.01
    df_sample: int = 2000
    target_recall: float = 0.995
    seed: int = 20260401
    bands: int | None = None  # None: chosen by choose_bands
    rows: int | None = None
    method: str = "rotation"  # or "affine"
    chunk: int = 32  # reports per vectorised block

    def band_choice(self) -> tuple[int, int]:
        if self.bands and self.rows:
            return self.bands, self.rows
        return choose_bands(self.threshold, self.num_perm, self.target_recall)


# ---------------------------------------------------------------------------------------------
# Text and shingles


_WHITESPACE = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
_WHITESPACE += list(range(0x2000, 0x200C))
# a table over code points up to U+3000; everything above it (clipped to the last entry) is kept
_WS_TABLE = np.zeros(0x3002, dtype=bool)
_WS_TABLE[_WHITESPACE] = True


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=U32)


# One lookup normalises a BMP code point: full-width ASCII forms fold to ASCII, whitespace maps
# to 0 (dropped). Code points above the BMP are kept as they are.
_NORM = np.arange(0x10000, dtype=U32)
_NORM[0xFF01:0xFF5F] -= U32(0xFEE0)
_NORM[_WHITESPACE] = 0
_NORM[0xFEFF] = 0
_NORM[0] = 0


def _normalise_cp(cp: np.ndarray) -> np.ndarray:
    """Normalised code points, 0 where the character is dropped."""
    if cp.shape[0] and int(cp.max()) > 0xFFFF:
        out = _NORM[np.minimum(cp, U32(0xFFFF))]
        big = cp > 0xFFFF
        out[big] = cp[big]
        return out
    return _NORM[cp]


def _normal_codepoints(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points with full-width ASCII forms folded to ASCII (ＡＢ１，→ AB1,) and whitespace
    removed (PDF and Word extraction break lines anywhere); and the kept positions."""
    cp = _normalise_cp(codepoints(text))
    keep = np.flatnonzero(cp)
    return cp[keep], keep


def normal_codepoints(texts) -> list[np.ndarray]:
    """Each text's normalised code points (the shingles are their windows)."""
    out = []
    for t in texts:
        cp = _normalise_cp(codepoints(t))
        out.append(cp[cp != 0])
    return out


def normalise(text: str) -> tuple[str, np.ndarray]:
    """The normalised text and, for each of its characters, its index in ``text``."""
    cp, index = _normal_codepoints(text)
    return cp.tobytes().decode("utf-32-le"), index


def normalise_fast(text: str) -> str:
    return normalise(text)[0]


_P = U32(0x9E3779B1)


def _mix32(h: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """lowbias32 (Chris Wellons): a bijective 32-bit mixer, in place."""
    t = np.empty_like(h) if tmp is None else tmp
    np.right_shift(h, U32(16), out=t)
    h ^= t
    h *= U32(0x7FEB352D)
    np.right_shift(h, U32(15), out=t)
    h ^= t
    h *= U32(0x846CA68B)
    np.right_shift(h, U32(16), out=t)
    h ^= t
    return h


def shingle_hashes(cp: np.ndarray, k: int = 5) -> np.ndarray:
    """32-bit hash of every character k-gram of the code points ``cp`` (one per position, in
    order; empty when the text is shorter than k): the polynomial c0·P^(k-1) + … + c(k-1) mod 2^32
    (Horner, in place), then a bijective mixer."""
    n = cp.shape[0] - k + 1
    if n <= 0:
        return np.empty(0, dtype=U32)
    h = cp[:n] * _P
    for j in range(1, k):
        h += cp[j : j + n]
        if j < k - 1:
            h *= _P
    return _mix32(h)


def text_hashes(text: str, k: int = 5) -> np.ndarray:
    return shingle_hashes(_normal_codepoints(text)[0], k)


# ---------------------------------------------------------------------------------------------
# Corpus: every report's shingle hashes, concatenated


@dataclass
class Corpus:
    hashes: np.ndarray  # uint32, every position of every report (in text order until sort_docs)
    offsets: np.ndarray  # int64, len N + 1
    sorted: bool = False  # each report's hashes sorted (sort_docs)

    def sort_docs(self) -> None:
        """Sort each report's hashes in place (positions are forgotten; sets are what count)."""
        if self.sorted:
            return
        offs = self.offsets.tolist()
        h = self.hashes
        for i in range(len(offs) - 1):
            h[offs[i] : offs[i + 1]].sort()
        self.sorted = True

    @classmethod
    def from_texts(cls, texts, k: int = 5, block: int = 32, sort: bool = False) -> Corpus:
        """Normalise and hash the shingles of many texts."""
        return cls.from_codepoints(normal_codepoints(texts), k, block, sort)

    @classmethod
    def from_codepoints(
        cls, cps: list[np.ndarray], k: int = 5, block: int = 32, sort: bool = False, workers: int = 1
    ) -> Corpus:
        """Hash the shingles of normalised texts, a block of texts per vectorised pass: the
        block's code points are hashed as one array and the windows that cross from one text into
        the next are dropped. With ``sort``, each report's hashes are sorted while still in cache
        (``sort_docs``). ``workers`` > 1 hashes blocks in that many threads (numpy releases the
        GIL in its loops; each block writes its own slice)."""
        lengths = np.fromiter((max(c.shape[0] - k + 1, 0) for c in cps), dtype=np.int64, count=len(cps))
        offsets = np.zeros(len(cps) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        hashes = np.empty(int(offsets[-1]), dtype=U32)

        def run(s0: int) -> None:
            chunk = cps[s0 : s0 + block]
            cp = np.concatenate(chunk) if chunk else np.empty(0, dtype=U32)
            h = shingle_hashes(cp, k)
            if h.shape[0] == 0:
                return
            valid = np.ones(h.shape[0], dtype=bool)
            end = 0
            for c in chunk:
                end += c.shape[0]
                valid[max(end - k + 1, end - c.shape[0]) : end] = False
            out = hashes[offsets[s0] : offsets[s0 + len(chunk)]]
            np.compress(valid, h, out=out)
            if sort:
                for i in range(s0, s0 + len(chunk)):
                    hashes[offsets[i] : offsets[i + 1]].sort()

        starts = range(0, len(cps), block)
        if workers > 1 and len(cps) > block:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(run, starts))
        else:
            for s0 in starts:
                run(s0)
        return cls(hashes=hashes, offsets=offsets, sorted=sort)

    @classmethod
    def from_parts(cls, parts) -> Corpus:
        lengths = np.fromiter((p.shape[0] for p in parts), dtype=np.int64, count=len(parts))
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        hashes = np.concatenate(parts) if parts else np.empty(0, dtype=U32)
        return cls(hashes=hashes.astype(U32, copy=False), offsets=offsets)

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1

    def doc(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]


# ---------------------------------------------------------------------------------------------
# Common passages


def common_limit(n_docs: int, params: Params) -> int:
    return max(int(params.common_min_docs), math.ceil(params.common_fraction * n_docs))


def common_hashes(corpus: Corpus, params: Params) -> np.ndarray:
    """Sorted hashes of the shingles found in at least ``common_limit`` reports (the document
    frequency is counted exactly on a seeded sample of ``df_sample`` reports when there are more,
    and the limit scaled to the sample)."""
    n = len(corpus)
    if n == 0:
        return np.empty(0, dtype=U32)
    limit = common_limit(n, params)
    if n <= params.df_sample:
        chosen = range(n)
        scaled = limit
    else:
        rng = np.random.default_rng(params.seed)
        chosen = np.sort(rng.choice(n, size=params.df_sample, replace=False)).tolist()
        scaled = max(2, math.ceil(limit * params.df_sample / n))
    uniq = _unique_of_sorted if corpus.sorted else unique_sorted
    sample = np.concatenate([uniq(corpus.doc(i)) for i in chosen] or [np.empty(0, dtype=U32)])
    # Only hashes whose bucket (top 22 bits) reaches the limit can; count those exactly.
    buckets = np.bincount(sample >> U32(10), minlength=1 << 22)
    sample = sample[buckets[sample >> U32(10)] >= scaled]
    values, counts = np.unique(sample, return_counts=True)
    return values[counts >= scaled].astype(U32)


def drop_common(h: np.ndarray, common: np.ndarray) -> np.ndarray:
    if common.shape[0] == 0 or h.shape[0] == 0:
        return h
    idx = np.searchsorted(common, h)
    idx[idx == common.shape[0]] = 0
    return h[common[idx] != h]


def unique_sorted(h: np.ndarray) -> np.ndarray:
    return _unique_of_sorted(np.sort(h))


def _unique_of_sorted(s: np.ndarray) -> np.ndarray:
    if s.shape[0] == 0:
        return s
    keep = np.empty(s.shape[0], dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


# ---------------------------------------------------------------------------------------------
# MinHash


def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**32, size=num_perm, dtype=np.uint64).astype(U32) | U32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint64).astype(U32)
    return a[:, None].copy(), b[:, None].copy()


def minhash(h: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Signature of one shingle-hash array: for each permutation, min over x of (a·x + b) mod 2^32.
    An empty set gives all-ones (and is never a candidate)."""
    if h.shape[0] == 0:
        return np.full(a.shape[0], MAX32, dtype=U32)
    m = a * h  # (num_perm, n), wraps mod 2^32
    m += b
    return m.min(axis=1)


def choose_bands(threshold: float, num_perm: int = 128, target_recall: float = 0.995) -> tuple[int, int]:
    """(bands, rows): the most rows per band (fewest chance candidates) such that a pair at exactly
    the threshold is a candidate with probability ≥ target_recall."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 1:
            break
        p = 1.0 - (1.0 - threshold**rows) ** bands
        if p >= target_recall:
            best = (bands, rows)
    return best


def candidate_probability(j: float, bands: int, rows: int) -> float:
    return 1.0 - (1.0 - j**rows) ** bands


# ---------------------------------------------------------------------------------------------
# LSH


_BAND_MULT = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD] * 26,
    dtype=U64,
)


def _band_keys(sig_t: np.ndarray, start: int, rows: int) -> np.ndarray:
    """Hash of rows start..start+rows of the transposed signatures (one value per report)."""
    key = np.full(sig_t.shape[1], ((start + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF, dtype=U64)
    for t in range(rows):
        key ^= sig_t[start + t].astype(U64)
        key *= _BAND_MULT[t]
        key ^= key >> U64(31)
    return key


def lsh_candidates(
    sig: np.ndarray, bands: int, rows: int, valid: np.ndarray | None = None, max_bucket: int = 2000
) -> np.ndarray:
    """Candidate pairs (i < j) as an (m, 2) int64 array, unique, sorted."""
    n = sig.shape[0]
    ids = np.arange(n, dtype=np.int64) if valid is None else np.flatnonzero(valid).astype(np.int64)
    if ids.shape[0] < 2:
        return np.empty((0, 2), dtype=np.int64)
    sub = np.ascontiguousarray(sig[ids].T)
    codes = []
    for band in range(bands):
        key = _band_keys(sub, band * rows, rows)
        order = np.argsort(key, kind="stable")
        k = key[order]
        same = k[1:] == k[:-1]
        if not same.any():
            continue
        # runs of equal keys
        starts = np.flatnonzero(np.concatenate(([True], ~same)))
        sizes = np.diff(np.concatenate((starts, [k.shape[0]])))
        multi = sizes >= 2
        st, sz = starts[multi], sizes[multi]
        two = sz == 2
        if two.any():
            i = ids[order[st[two]]]
            j = ids[order[st[two] + 1]]
            codes.append(np.minimum(i, j) * n + np.maximum(i, j))
        for s0, s1 in zip(st[~two], sz[~two], strict=True):
            members = np.sort(ids[order[s0 : s0 + min(s1, max_bucket)]])
            ii, jj = np.triu_indices(members.shape[0], k=1)
            codes.append(members[ii] * n + members[jj])
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    allc = np.unique(np.concatenate(codes))
    return np.stack((allc // n, allc % n), axis=1)


# ---------------------------------------------------------------------------------------------
# Verification


def intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    """|a ∩ b| of two sorted unique arrays: merged by a stable sort (two sorted runs merge in
    linear time), equal neighbours counted."""
    if a.shape[0] == 0 or b.shape[0] == 0:
        return 0
    c = np.concatenate((a, b))
    c.sort(kind="stable")
    return int(np.count_nonzero(c[1:] == c[:-1]))


@dataclass
class Pair:
    i: int
    j: int
    jaccard: float
    shared: int
    size_i: int
    size_j: int

    @property
    def containment(self) -> float:
        """Share of the smaller set found in the other one."""
        m = min(self.size_i, self.size_j)
        return self.shared / m if m else 0.0


@dataclass
class Result:
    pairs: list[Pair]
    candidates: int
    bands: int
    rows: int
    common: np.ndarray
    empty: int  # reports with no shingle left after common passages are dropped
    sets: object = None  # the filtered shingle sets (index → sorted array)
    timings: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)


class SetCache:
    """Filtered, sorted, unique shingle sets, computed on first use."""

    def __init__(self, corpus: Corpus, common: np.ndarray):
        self.corpus = corpus
        self.filter = CommonFilter(common)
        self._sets: dict[int, np.ndarray] = {}

    def __getitem__(self, i: int) -> np.ndarray:
        s = self._sets.get(i)
        if s is None:
            d = self.corpus.doc(i)
            h = _unique_of_sorted(d) if self.corpus.sorted else unique_sorted(d)
            s = h[self.filter.keep(h)]
            self._sets[i] = s
        return s


@dataclass
class Sets:
    """Every report's filtered, sorted, unique shingle set, concatenated."""

    hashes: np.ndarray
    offsets: np.ndarray

    def __getitem__(self, i: int) -> np.ndarray:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1


def verify(candidates: np.ndarray, sets, threshold: float) -> list[Pair]:
    out = []
    for i, j in candidates.tolist():
        a, b = sets[i], sets[j]
        inter = intersection_size(a, b)
        union = a.shape[0] + b.shape[0] - inter
        jac = inter / union if union else 0.0
        if jac >= threshold:
            out.append(Pair(i, j, jac, inter, int(a.shape[0]), int(b.shape[0])))
    return out


class CommonFilter:
    """Membership in the sorted array of common hashes. A direct-mapped table of 2^18 slots (by the
    hash's top bits) holds one common hash per slot; the few slots that more than one common hash
    falls into are marked and settled by an exact search."""

    BITS = 18

    def __init__(self, common: np.ndarray):
        self.common = common
        self.shift = U32(32 - self.BITS)
        slots = np.arange(1 << self.BITS, dtype=U32)
        # an empty slot holds a value whose top bits are not the slot's: it never matches
        self.value = ~(slots << self.shift)
        self.overflow = np.zeros(1 << self.BITS, dtype=bool)
        if common.shape[0]:
            cs = common >> self.shift
            first = np.ones(cs.shape[0], dtype=bool)
            first[1:] = cs[1:] != cs[:-1]
            self.value[cs[first]] = common[first]
            self.overflow[cs[~first]] = True
        self.any_overflow = bool(self.overflow.any())

    def keep(self, h: np.ndarray) -> np.ndarray:
        """Boolean mask: True where h is not common."""
        if self.common.shape[0] == 0:
            return np.ones(h.shape[0], dtype=bool)
        slot = h >> self.shift
        keep = self.value[slot] != h
        if self.any_overflow:
            where = np.flatnonzero(self.overflow[slot])
            if where.shape[0]:
                v = h[where]
                idx = np.searchsorted(self.common, v)
                idx[idx == self.common.shape[0]] = 0
                keep[where] = self.common[idx] != v
        return keep


def _cumsum0(mask: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.shape[0] + 1, dtype=np.int64)
    np.cumsum(mask, out=out[1:])
    return out


def filt_apply(filt: CommonFilter, h: np.ndarray) -> np.ndarray:
    return h[filt.keep(h)]


def _successors(s: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each start, the smallest element of the sorted non-empty ``s`` ≥ start, wrapping."""
    idx = np.searchsorted(s, starts)
    idx[idx == s.shape[0]] = 0
    return s[idx]


def signatures(corpus: Corpus, common: np.ndarray, params: Params):
    """(signatures (N, num_perm) uint32, valid: bool N — reports with a non-empty set, and a
    ``SetCache`` of the filtered shingle sets for verification)."""
    n = len(corpus)
    sig = np.empty((n, params.num_perm), dtype=U32)
    valid = np.zeros(n, dtype=bool)
    offs = corpus.offsets
    hashes = corpus.hashes
    filt = CommonFilter(common)
    sets = SetCache(corpus, common)
    sets.filter = filt
    if params.method == "affine":
        a, b = permutations(params.num_perm, params.seed)
        for i in range(n):
            h = hashes[offs[i] : offs[i + 1]]
            h = h[filt.keep(h)]
            valid[i] = h.shape[0] > 0
            sig[i] = minhash(h, a, b)
        return sig, valid, sets
    bins = params.num_perm
    if bins & (bins - 1):
        raise ValueError("rotation MinHash needs a power-of-two number of permutations")
    corpus.sort_docs()
    width = 2**32 // bins
    starts = (np.arange(bins, dtype=np.uint64) * width).astype(U32)
    cmask = filt.keep  # True where not common
    block = params.chunk
    for s0 in range(0, n, block):
        s1 = min(n, s0 + block)
        nb = s1 - s0
        # The minimum under rotation b is the successor of start_b in the report's sorted hashes
        # (wrapping to the first); a common shingle there is skipped for the next one (a few
        # lookups, not a pass over the report). Reports still unresolved after a few skips, or
        # whose successor wraps, are redone from their filtered set.
        first = offs[s0:s1]
        limit = offs[s0 + 1 : s1 + 1][:, None]
        pos = np.empty((nb, bins), dtype=np.int64)
        for j in range(nb):
            pos[j] = np.searchsorted(hashes[first[j] : limit[j, 0]], starts)
        pos += first[:, None]
        inside = pos < limit
        ok = inside.all(axis=1)
        got = np.full((nb, bins), MAX32, dtype=U32)
        for _ in range(6):
            got[inside] = hashes[pos[inside]]
            common_hit = inside.copy()
            common_hit[inside] = ~cmask(got[inside])
            if not common_hit.any():
                break
            pos[common_hit] += 1
            inside = common_hit & (pos < limit)
            got[common_hit] = MAX32
        else:
            ok &= ~common_hit.any(axis=1)
        ok &= (got != MAX32).all(axis=1)
        sig[s0:s1] = got
        valid[s0:s1] = ok
        for j in np.flatnonzero(~ok).tolist():
            i = s0 + j
            full = filt_apply(filt, hashes[offs[i] : offs[i + 1]])  # sorted already
            if full.shape[0]:
                sig[i] = _successors(full, starts)
                valid[i] = True
            else:
                sig[i] = MAX32
    return sig, valid, sets


def find_pairs(corpus: Corpus, params: Params = Params()) -> Result:
    """Every pair of reports whose filtered shingle sets have Jaccard ≥ params.threshold (up to the
    LSH recall), verified exactly. ``timings`` holds wall seconds per stage, ``cpu`` CPU seconds."""
    import time

    marks = [(time.perf_counter(), time.process_time())]

    def mark():
        marks.append((time.perf_counter(), time.process_time()))

    if params.method != "affine":
        corpus.sort_docs()
    mark()
    common = common_hashes(corpus, params)
    mark()
    sig, valid, sets = signatures(corpus, common, params)
    mark()
    bands, rows = params.band_choice()
    cand = lsh_candidates(sig, bands, rows, valid)
    mark()
    pairs = verify(cand, sets, params.threshold)
    mark()
    names = ["sort", "common", "minhash", "lsh", "verify"]
    return Result(
        pairs=pairs,
        candidates=int(cand.shape[0]),
        bands=bands,
        rows=rows,
        common=common,
        empty=int((~valid).sum()),
        sets=sets,
        timings={k: marks[i + 1][0] - marks[i][0] for i, k in enumerate(names)},
        cpu={k: marks[i + 1][1] - marks[i][1] for i, k in enumerate(names)},
    )


# ---------------------------------------------------------------------------------------------
# A pair side by side


def shared_spans(text_a: str, text_b: str, common: np.ndarray | None = None, k: int = 5):
    """Character ranges of ``text_a`` and of ``text_b`` (indices into the original texts) covered by
    shingles the two share, common passages excluded; and each text's share of copied
    characters. Returns (spans_a, spans_b, share_a, share_b)."""
    common = np.empty(0, dtype=U32) if common is None else common
    na, ia = normalise(text_a)
    nb, ib = normalise(text_b)
    ha = shingle_hashes(codepoints(na), k)
    hb = shingle_hashes(codepoints(nb), k)
    sa = unique_sorted(drop_common(ha, common))
    sb = unique_sorted(drop_common(hb, common))
    spans_a, share_a = _covered(ha, sb, na, ia, k, text_a)
    spans_b, share_b = _covered(hb, sa, nb, ib, k, text_b)
    return spans_a, spans_b, share_a, share_b


def _covered(h, other_set, norm, index, k, original):
    if h.shape[0] == 0 or other_set.shape[0] == 0:
        return [], 0.0
    idx = np.searchsorted(other_set, h)
    idx[idx == other_set.shape[0]] = 0
    hit = other_set[idx] == h
    cover = np.zeros(len(norm) + 1, dtype=np.int32)
    starts = np.flatnonzero(hit)
    np.add.at(cover, starts, 1)
    np.add.at(cover, starts + k, -1)
    covered = np.cumsum(cover[:-1]) > 0
    share = float(covered.sum()) / len(norm) if len(norm) else 0.0
    # runs of covered normalised characters → ranges of the original text
    spans = []
    if covered.any():
        edges = np.flatnonzero(np.diff(np.concatenate(([0], covered.astype(np.int8), [0]))))
        for s, e in zip(edges[0::2], edges[1::2], strict=True):
            spans.append((int(index[s]), int(index[e - 1]) + 1))
    return spans, share


def segments(text: str, spans) -> list[tuple[str, bool]]:
    """The text cut into (piece, shared?) segments for display."""
    out = []
    pos = 0
    for s, e in spans:
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out
