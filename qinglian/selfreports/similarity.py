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
  the minimum of a set under rotation i is the successor of ``c_i`` in the set, i.e. the minimum
  of bucket i (the hashes whose top 7 bits are i) or, when that bucket is empty, of the next
  non-empty bucket (this is one-permutation hashing with rotation densification, Li, Owen & Zhang
  2012, Shrivastava & Li 2014; with a well-mixed hash, each slot collides with probability exactly
  J). Nothing is sorted: the bucket minima of a block of reports come from one ``np.minimum.at``
  over their hashes (see ``signatures``). The classic affine family
  ``(a·x + b) mod 2^32`` (a odd, random) is kept as ``method="affine"`` (one (128 × n) numpy array
  per report; about as fast as datasketch's own affine scheme) for comparison.
- Candidate pairs by LSH: the signature is cut into ``bands × rows`` with the largest number of
  rows whose probability of making a pair at the threshold a candidate is at least
  ``target_recall`` (0.8 → 21 × 6: 0.998 at J = 0.8), band keys are hashed rows, equal keys are
  grouped with numpy sort (of the reports whose key's low bits meet another's).
- Candidates are verified by the exact Jaccard similarity of the (filtered) shingle sets; only the
  reports that appear in a candidate pair are hashed again and sorted for it.

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


def _poly_windows(cp: np.ndarray, k: int) -> np.ndarray:
    """c0·P^(k-1) + … + c(k-1) mod 2^32 for every window of k code points (a new array). Windows
    are built by doubling, W(a+b)[i] = W(a)[i]·P^b + W(b)[i+a]: two numpy passes per doubling
    instead of two per character (k = 5: 6 passes, Horner takes 8)."""
    n = cp.shape[0] - k + 1
    powers = {1: cp}  # window length → its hashes (length len(cp) − L + 1)
    length = 1
    while length * 2 <= k:
        w = powers[length]
        m = w.shape[0] - length
        nxt = w[:m] * U32(pow(int(_P), length, 2**32))
        nxt += w[length : length + m]
        length *= 2
        powers[length] = nxt
    # k as a sum of the powers of two built above, largest first
    out = None
    done = 0
    for size in sorted(powers, reverse=True):
        if not k - done >= size:
            continue
        w = powers[size]
        if out is None:
            out = w[:n].copy() if size == 1 else w[:n]
        else:
            out *= U32(pow(int(_P), size, 2**32))
            out += w[done : done + n]
        done += size
    return out


def shingle_hashes(cp: np.ndarray, k: int = 5) -> np.ndarray:
    """32-bit hash of every character k-gram of the code points ``cp`` (one per position, in
    order; empty when the text is shorter than k): the polynomial c0·P^(k-1) + … + c(k-1) mod 2^32
    (built by window doubling), then a bijective mixer."""
    n = cp.shape[0] - k + 1
    if n <= 0:
        return np.empty(0, dtype=U32)
    return _mix32(_poly_windows(cp, k))


def text_hashes(text: str, k: int = 5) -> np.ndarray:
    return shingle_hashes(_normal_codepoints(text)[0], k)


# ---------------------------------------------------------------------------------------------
# Corpus: the reports' shingles, hashed a block at a time when needed


class Corpus:
    """The reports' shingles: either each report's normalised code points (the shingles are their
    windows, hashed when a block of reports is needed: nothing of the size of the whole corpus is
    hashed ahead) or ready shingle hashes (``from_parts``)."""

    def __init__(
        self, cps: list[np.ndarray] | None = None, k: int = 5, parts: list[np.ndarray] | None = None
    ):
        if (cps is None) == (parts is None):
            raise ValueError("a corpus is built from code points or from hashes")
        self.k = k
        self.cps = cps
        self.parts = parts
        if cps is not None:
            lengths = np.fromiter((max(c.shape[0] - k + 1, 0) for c in cps), dtype=np.int64, count=len(cps))
        else:
            lengths = np.fromiter((p.shape[0] for p in parts), dtype=np.int64, count=len(parts))
        self.offsets = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])

    @classmethod
    def from_texts(cls, texts, k: int = 5) -> Corpus:
        """Normalise many texts (their shingles are hashed later, a block at a time)."""
        return cls(normal_codepoints(texts), k)

    @classmethod
    def from_codepoints(cls, cps: list[np.ndarray], k: int = 5) -> Corpus:
        return cls(cps, k)

    @classmethod
    def from_parts(cls, parts) -> Corpus:
        """Reports given as ready shingle hashes (uint32)."""
        return cls(parts=[np.asarray(p).astype(U32, copy=False) for p in parts])

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1

    def doc(self, i: int) -> np.ndarray:
        """Report i's shingle hashes, in text order."""
        if self.parts is not None:
            return self.parts[i]
        return shingle_hashes(self.cps[i], self.k)

    @property
    def hashes(self) -> np.ndarray:
        """Every report's shingle hashes, concatenated (for tests and small corpora)."""
        return np.concatenate([self.doc(i) for i in range(len(self))] or [np.empty(0, dtype=U32)])

    def hash_chunk(self, ids) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The shingle hashes of the reports ``ids`` (a range or a list) as one array, hashed in
        one vectorised pass: (hashes, start of each report's hashes, how many are its own). The
        k − 1 windows after a report's own ones cross into the next report and are to be ignored."""
        if self.parts is not None:
            chunk = (
                [self.parts[i] for i in ids]
                if not isinstance(ids, range)
                else self.parts[ids.start : ids.stop]
            )
            real = np.fromiter((c.shape[0] for c in chunk), dtype=np.int64, count=len(chunk))
            starts = np.zeros(len(chunk), dtype=np.int64)
            np.cumsum(real[:-1], out=starts[1:])
            h = np.concatenate(chunk) if chunk else np.empty(0, dtype=U32)
            return h, starts, real
        k = self.k
        chunk = [self.cps[i] for i in ids] if not isinstance(ids, range) else self.cps[ids.start : ids.stop]
        sizes = np.fromiter((c.shape[0] for c in chunk), dtype=np.int64, count=len(chunk))
        starts = np.zeros(len(chunk), dtype=np.int64)
        np.cumsum(sizes[:-1], out=starts[1:])
        cp = np.concatenate(chunk) if chunk else np.empty(0, dtype=U32)
        # window p belongs to its report when it ends inside it
        return shingle_hashes(cp, k), starts, np.maximum(sizes - (k - 1), 0)

    def block(self, s0: int, s1: int, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """The shingle hashes of reports s0..s1 (``hash_chunk``) and for each hash
        ``(i − s0) · stride``, its report's place in the block; hashes of windows that cross from
        one report into the next get ``(s1 − s0) · stride`` (a slot to discard)."""
        nb = s1 - s0
        h, starts, real = self.hash_chunk(range(s0, s1))
        ends = np.empty(nb, dtype=np.int64)
        ends[:-1] = starts[1:]
        ends[-1:] = h.shape[0]
        counts = np.empty(2 * nb, dtype=np.int64)
        counts[0::2] = real
        counts[1::2] = np.maximum(ends - starts - real, 0)
        values = np.empty(2 * nb, dtype=np.intp)
        values[0::2] = np.arange(nb, dtype=np.intp) * stride
        values[1::2] = nb * stride
        # every real window starts before len(h): the positions cut off are the last crossings
        owner = np.repeat(values, counts)[: h.shape[0]]
        return h, owner


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
    # The sample's shingles, hashed a block of reports at a time (each report's own windows).
    parts = []
    chosen = list(chosen)
    for b0 in range(0, len(chosen), 64):
        h, starts, real = corpus.hash_chunk(chosen[b0 : b0 + 64])
        parts.extend(h[s0 : s0 + r] for s0, r in zip(starts.tolist(), real.tolist(), strict=True))
    if not parts:
        return np.empty(0, dtype=U32)
    allh = np.concatenate(parts)
    # A hash found in `scaled` reports occurs at least that often, and so does its bucket (top 22
    # bits): only the hashes of such buckets are counted exactly, one report at a time.
    top = (allh >> U32(10)).astype(np.intp)
    full = np.bincount(top, minlength=1 << 22) >= scaled
    cand = full[top]
    sizes = [p.shape[0] for p in parts]
    ends = np.cumsum(sizes).tolist()
    starts = [e - z for e, z in zip(ends, sizes, strict=True)]
    per_doc = [_unique_of_sorted(np.sort(allh[s0:e][cand[s0:e]])) for s0, e in zip(starts, ends, strict=True)]
    values, counts = np.unique(np.concatenate(per_doc), return_counts=True)
    return values[counts >= scaled].astype(U32)


def drop_common(h: np.ndarray, common: np.ndarray) -> np.ndarray:
    if common.shape[0] == 0 or h.shape[0] == 0:
        return h
    idx = np.searchsorted(common, h)
    idx[idx == common.shape[0]] = 0
    return h[common[idx] != h]


def sort32(h: np.ndarray) -> np.ndarray:
    """A sorted copy of uint32 hashes: numpy's radix sort on the top 16 bits, then a stable sort
    (timsort: nearly sorted input costs it one pass) for the few equal tops — about 40 % less
    than ``np.sort`` on a report's few thousand hashes."""
    if h.shape[0] < 64:
        return np.sort(h)
    top = (h >> U32(16)).astype(np.uint16)
    s = h[np.argsort(top, kind="stable")]
    s.sort(kind="stable")
    return s


def unique_sorted(h: np.ndarray) -> np.ndarray:
    return _unique_of_sorted(sort32(h))


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
    # Only reports whose band key shares its low bits with another report's can be in a run of
    # equal keys: a bincount finds them, and only they are sorted (about a tenth of the reports).
    bits = max(10, int(ids.shape[0]).bit_length() + 3)
    low = U64((1 << bits) - 1)
    for band in range(bands):
        key = _band_keys(sub, band * rows, rows)
        slot = (key & low).astype(np.intp)
        maybe = np.flatnonzero(np.bincount(slot, minlength=1 << bits)[slot] >= 2)
        if maybe.shape[0] < 2:
            continue
        kk = key[maybe]
        local = np.argsort(kk)
        order = maybe[local]
        k = kk[local]
        same = k[1:] == k[:-1]
        if not same.any():
            continue
        # runs of equal keys
        starts = np.flatnonzero(np.concatenate(([True], ~same)))
        sizes = np.diff(np.concatenate((starts, [k.shape[0]])))
        multi = sizes >= 2
        st, sz = starts[multi], np.minimum(sizes[multi], max_bucket)
        # every pair within each run, all runs of one size at once
        for size in np.unique(sz).tolist():
            g = st[sz == size]
            members = ids[order[g[:, None] + np.arange(size)]]
            members.sort(axis=1)
            ii, jj = np.triu_indices(size, k=1)
            codes.append((members[:, ii] * n + members[:, jj]).ravel())
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
    """Filtered, sorted, unique shingle sets, computed on first use (only the reports that appear
    in a candidate pair are ever sorted); ``load`` computes many at once, hashing them a block at a
    time."""

    def __init__(self, corpus: Corpus, common: np.ndarray, filt: CommonFilter | None = None):
        self.corpus = corpus
        self.filter = CommonFilter(common) if filt is None else filt
        self._sets: dict[int, np.ndarray] = {}

    def __getitem__(self, i: int) -> np.ndarray:
        s = self._sets.get(i)
        if s is None:
            h = self.corpus.doc(i)
            s = unique_sorted(h[~self.filter.common_mask(h)])
            self._sets[i] = s
        return s

    def load(self, ids, block: int = 32) -> None:
        ids = [i for i in dict.fromkeys(int(i) for i in ids) if i not in self._sets]
        for b0 in range(0, len(ids), block):
            chunk = ids[b0 : b0 + block]
            h, starts, real = self.corpus.hash_chunk(chunk)
            keep = ~self.filter.common_mask(h)  # common hashes leave before the sort
            for i, s0, r in zip(chunk, starts.tolist(), real.tolist(), strict=True):
                self._sets[i] = unique_sorted(h[s0 : s0 + r][keep[s0 : s0 + r]])


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
    """Exact Jaccard of the candidate pairs' filtered shingle sets; the pairs at the threshold."""
    out = []
    if hasattr(sets, "load"):
        sets.load(np.unique(candidates).tolist())
    for i, j in candidates.tolist():
        a, b = sets[i], sets[j]
        inter = intersection_size(a, b)
        union = a.shape[0] + b.shape[0] - inter
        jac = inter / union if union else 0.0
        if jac >= threshold:
            out.append(Pair(i, j, jac, inter, int(a.shape[0]), int(b.shape[0])))
    return out


class CommonFilter:
    """Exact membership in the set of common hashes without a search per hash: cuckoo hashing
    into two direct-mapped tables, one indexed by a hash's top bits and one by its low bits (each
    common hash sits in one of its two slots; an empty slot holds a value that cannot match it),
    so that a hash is common exactly when one of its two slots holds it — two gathers and two
    comparisons per hash. The tables have at least four slots per common hash each, so insertion
    practically never fails; a common hash it cannot place goes to a small stash checked exactly."""

    def __init__(self, common: np.ndarray, seed: int = 1):
        self.common = np.asarray(common, dtype=U32)
        m = self.common.shape[0]
        self.bits = max(10, math.ceil(math.log2(max(m, 1) * 4)))
        size = 1 << self.bits
        self.shift = U32(32 - self.bits)
        self.mask = U32(size - 1)
        slots = np.arange(size, dtype=U32)
        # slot s of the top table holds a value whose top bits are not s, of the low table a value
        # whose low bits are not s (mask − s ≠ s: the mask is odd)
        self.top = ~(slots << self.shift)
        self.low = ~slots
        stash = []
        if m:
            rng = np.random.default_rng(seed)
            top, low = self.top.tolist(), self.low.tolist()
            shift, mask = int(self.shift), int(self.mask)
            # an empty slot's value never hashes to that slot: compare to find occupancy
            for v in self.common.tolist():
                x = v
                for _ in range(64):
                    t = x >> shift
                    if (top[t] >> shift) != t:
                        top[t] = x
                        x = None
                        break
                    lo = x & mask
                    if (low[lo] & mask) != lo:
                        low[lo] = x
                        x = None
                        break
                    # both taken: evict one at random and place it in its other table
                    if rng.random() < 0.5:
                        top[t], x = x, top[t]
                    else:
                        low[lo], x = x, low[lo]
                if x is not None:
                    stash.append(x)
            self.top = np.array(top, dtype=U32)
            self.low = np.array(low, dtype=U32)
        self.stash = np.array(sorted(stash), dtype=U32)

    def common_mask(self, h: np.ndarray) -> np.ndarray:
        """Boolean mask: True where h is common."""
        if self.common.shape[0] == 0:
            return np.zeros(h.shape[0], dtype=bool)
        hit = np.take(self.top, (h >> self.shift).astype(np.intp)) == h
        hit |= np.take(self.low, (h & self.mask).astype(np.intp)) == h
        if self.stash.shape[0]:
            hit |= np.isin(h, self.stash)
        return hit

    def keep(self, h: np.ndarray) -> np.ndarray:
        """Boolean mask: True where h is not common."""
        return ~self.common_mask(h)

    def blank(self, h: np.ndarray) -> None:
        """Set the common hashes of h to 0xFFFFFFFF, in place (no gather of the array by a mask)."""
        if self.common.shape[0] == 0:
            return
        m = self.common_mask(h).astype(U32)
        np.negative(m, out=m)
        h |= m


def _densify(blk: np.ndarray) -> np.ndarray:
    """Rows of per-bucket minima (0xFFFFFFFF: empty bucket) → rotation MinHash signatures: an empty
    bucket takes the minimum of the next non-empty bucket, wrapping (the successor of the
    bucket's start in the sorted set). Returns the rows that have no element at all."""
    empty = blk == MAX32
    rows = np.flatnonzero(empty.any(axis=1))
    if rows.shape[0] == 0:
        return np.zeros(blk.shape[0], dtype=bool)
    bins = blk.shape[1]
    sub = empty[rows]
    idx = np.where(sub, 2 * bins, np.arange(bins))
    twice = np.concatenate((idx, idx + bins), axis=1)
    nxt = np.minimum.accumulate(twice[:, ::-1], axis=1)[:, ::-1][:, :bins]
    none = nxt[:, 0] >= 2 * bins  # no element anywhere
    nxt %= bins
    filled = np.take_along_axis(blk[rows], np.minimum(nxt, bins - 1), axis=1)
    filled[none] = MAX32
    blk[rows] = filled
    out = np.zeros(blk.shape[0], dtype=bool)
    out[rows[none]] = True
    return out


def signatures(corpus: Corpus, common: np.ndarray, params: Params, workers: int = 1):
    """(signatures (N, num_perm) uint32, valid: bool N — reports with a non-empty set, and a
    ``SetCache`` of the filtered shingle sets for verification).

    Rotation method, a block of ``params.chunk`` reports at a time, with no sort: the block's
    shingles are hashed in one pass and the minimum of each (report, bucket) cell — bucket = the
    hash's top log2(num_perm) bits — is taken with ``np.minimum.at``; the cells whose minimum is a
    common shingle are computed again from their hashes with the common ones blanked to 0xFFFFFFFF
    (``CommonFilter``); an empty bucket then takes the next non-empty bucket's minimum
    (``_densify``, once over all signatures). That is exactly the successor of ``i · 2^32/num_perm`` in the report's filtered
    sorted set for every i. (A shingle whose hash is 0xFFFFFFFF is therefore ignored for signatures:
    one in 2^32.) ``workers`` > 1 runs blocks in threads (numpy releases the GIL in most passes)."""
    n = len(corpus)
    sig = np.empty((n, params.num_perm), dtype=U32)
    filt = CommonFilter(common)
    sets = SetCache(corpus, common, filt)
    if params.method == "affine":
        valid = np.zeros(n, dtype=bool)
        a, b = permutations(params.num_perm, params.seed)
        for i in range(n):
            h = corpus.doc(i)
            h = h[filt.keep(h)]
            valid[i] = h.shape[0] > 0
            sig[i] = minhash(h, a, b)
        return sig, valid, sets
    bins = params.num_perm
    if bins & (bins - 1) or bins > 2**16:
        raise ValueError("rotation MinHash needs a power-of-two number of permutations")
    shift = U32(32 - (bins.bit_length() - 1))
    block = max(1, params.chunk)

    def run(s0: int) -> None:
        s1 = min(n, s0 + block)
        nb = s1 - s0
        h, key = corpus.block(s0, s1, stride=bins)
        key += h >> shift  # crossing windows land in the discarded row nb
        mins = np.full((nb + 1) * bins, MAX32, dtype=U32)
        np.minimum.at(mins, key, h)
        # A cell whose minimum is not common has its filtered minimum already. Only the hashes of
        # the cells whose minimum is common (about the share of common text) are filtered and
        # their cells computed again.
        bad = filt.common_mask(mins)
        bad[nb * bins :] = False
        if bad.any():
            sel = np.flatnonzero(np.take(bad, key))
            hs = np.take(h, sel)
            filt.blank(hs)
            mins[bad] = MAX32
            np.minimum.at(mins, np.take(key, sel), hs)
        sig[s0:s1] = mins[: nb * bins].reshape(nb, bins)

    starts = range(0, n, block)
    if workers > 1 and n > block:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, starts))
    else:
        for s0 in starts:
            run(s0)
    valid = ~_densify(sig)
    return sig, valid, sets


def find_pairs(corpus: Corpus, params: Params = Params(), workers: int = 1) -> Result:
    """Every pair of reports whose filtered shingle sets have Jaccard ≥ params.threshold (up to the
    LSH recall), verified exactly. ``timings`` holds wall seconds per stage, ``cpu`` CPU seconds."""
    import time

    marks = [(time.perf_counter(), time.process_time())]

    def mark():
        marks.append((time.perf_counter(), time.process_time()))

    common = common_hashes(corpus, params)
    mark()
    sig, valid, sets = signatures(corpus, common, params, workers)
    mark()
    bands, rows = params.band_choice()
    cand = lsh_candidates(sig, bands, rows, valid)
    mark()
    pairs = verify(cand, sets, params.threshold)
    mark()
    names = ["common", "minhash", "lsh", "verify"]
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
