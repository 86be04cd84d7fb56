"""The detection engine on its own (no database): planted copies across years and people, partial
copies, shared quotations that must not count, and the building blocks against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from qinglian.selfreports import similarity as S

RNG = np.random.default_rng(7)
ALPHABET = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def words(n: int, rng=RNG) -> str:
    return "".join(rng.choice(ALPHABET, n))


def edit(text: str, rate: float, rng) -> str:
    chars = list(text)
    for i in rng.choice(len(chars), int(len(chars) * rate), replace=False):
        chars[i] = rng.choice(ALPHABET)
    return "".join(chars)


QUOTES = ["“" + words(120) + "”" for _ in range(3)]


def corpus_with_plants(n_noise: int = 60, seed: int = 1):
    """Independent reports, every one quoting the same policy passages, plus planted pairs."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n_noise):
        texts.append(QUOTES[0] + words(1200, rng) + QUOTES[1] + words(600, rng) + QUOTES[2])
    base_year = texts[0]
    texts.append(edit(base_year, 0.005, rng))  # same person, next year, a few characters changed
    cross = texts[1]
    texts.append(edit(cross, 0.005, rng))  # another person copies
    part = texts[2]
    half = len(part) // 2
    texts.append(part[:half] + words(len(part) - half, rng))  # partial copy: half copied
    return texts, {"year": (0, n_noise), "cross": (1, n_noise + 1), "partial": (2, n_noise + 2)}


def pair_set(result):
    return {(min(p.i, p.j), max(p.i, p.j)) for p in result.pairs}


def test_planted_copies_are_found_and_quotations_shared_by_all_are_not():
    texts, planted = corpus_with_plants()
    res = S.find_pairs(S.Corpus.from_texts(texts), S.Params(threshold=0.8, common_min_docs=10))
    found = pair_set(res)
    assert planted["year"] in found
    assert planted["cross"] in found
    assert planted["partial"] not in found  # J ≈ 1/3: below 0.8
    # without the document-frequency filter, the shared quotations alone would not make pairs
    # either, but they would count: check that they are recognised as common
    assert res.common.shape[0] >= 3 * 100
    assert all(p in planted.values() for p in found)


def test_a_lower_threshold_finds_the_partial_copy():
    texts, planted = corpus_with_plants()
    res = S.find_pairs(S.Corpus.from_texts(texts), S.Params(threshold=0.3, common_min_docs=10))
    assert planted["partial"] in pair_set(res)
    p = next(p for p in res.pairs if (p.i, p.j) == planted["partial"])
    assert 0.25 < p.jaccard < 0.45


def test_quotation_heavy_reports_are_not_copies_of_each_other():
    """Two reports that are mostly the same policy quotation and otherwise their own words: with
    the common passages counted they would look like copies (J > 0.8); without them they are not."""
    rng = np.random.default_rng(3)
    block = words(2700, rng)
    texts = [block + words(300, rng) for _ in range(30)]
    texts += [words(3000, rng) for _ in range(30)]
    sets = [set(S.text_hashes(t).tolist()) for t in texts[:2]]
    raw = len(sets[0] & sets[1]) / len(sets[0] | sets[1])
    assert raw > 0.8
    res = S.find_pairs(S.Corpus.from_texts(texts), S.Params(threshold=0.5, common_min_docs=10))
    assert res.pairs == []


def test_signatures_equal_the_successor_definition_and_the_filter_is_exact():
    rng = np.random.default_rng(11)
    texts = [words(int(rng.integers(0, 4000)), rng) for _ in range(150)] + ["", "短", "一二三四五"]
    texts += [QUOTES[0] * 3 for _ in range(25)]  # nothing but a common passage: an empty set
    corpus = S.Corpus.from_texts(texts)
    for i in (0, 5, 150, 151, 152):
        assert np.array_equal(np.sort(corpus.doc(i)), np.sort(S.text_hashes(texts[i])))
    common = S.common_hashes(corpus, S.Params(common_min_docs=10))
    sig, valid, _ = S.signatures(corpus, common, S.Params())
    filt = S.CommonFilter(common)
    assert np.array_equal(~np.isin(corpus.hashes, common), filt.keep(corpus.hashes))
    starts = (np.arange(128, dtype=np.uint64) * 2**25).astype(np.uint32)
    for i in range(len(texts)):
        s = np.sort(corpus.doc(i)[~np.isin(corpus.doc(i), common)])
        if s.shape[0] == 0:
            assert not valid[i]
            continue
        assert valid[i]
        idx = np.searchsorted(s, starts)
        idx[idx == s.shape[0]] = 0
        assert np.array_equal(sig[i], s[idx]), i


def test_signature_agreement_estimates_jaccard():
    """The rotation MinHash slots collide with probability J (mean error near 0)."""
    rng = np.random.default_rng(5)
    errors = []
    for _ in range(60):
        base = rng.integers(0, 2**32, 3000, dtype=np.uint32)
        keep = int(rng.integers(1000, 3000))
        other = np.concatenate([base[:keep], rng.integers(0, 2**32, 3000 - keep, dtype=np.uint32)])
        corpus = S.Corpus.from_parts([base, other])
        sig, _, _ = S.signatures(corpus, np.empty(0, dtype=np.uint32), S.Params())
        a, b = S.unique_sorted(base), S.unique_sorted(other)
        inter = S.intersection_size(a, b)
        errors.append((sig[0] == sig[1]).mean() - inter / (a.shape[0] + b.shape[0] - inter))
    assert abs(np.mean(errors)) < 0.01
    assert np.std(errors) < 0.06


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 0.9])
def test_band_choice_gives_recall_at_the_threshold(threshold):
    bands, rows = S.choose_bands(threshold)
    assert bands * rows <= 128
    assert S.candidate_probability(threshold, bands, rows) >= 0.995
    assert (bands, rows) == S.choose_bands(threshold)  # deterministic
    if threshold == 0.8:
        assert (bands, rows) == (21, 6)


def test_shared_spans_highlight_the_copied_part_in_the_original_text():
    rng = np.random.default_rng(9)
    own_a, copied, own_b = words(300, rng), words(200, rng), words(300, rng)
    a = own_a + "\n\n" + copied[:100] + "\n" + copied[100:]
    b = copied + "　" + own_b  # an ideographic space: whitespace is ignored
    spans_a, spans_b, share_a, share_b = S.shared_spans(a, b)
    assert len(spans_a) == 1
    s, e = spans_a[0]
    assert a[s:e].replace("\n", "") == copied
    assert spans_b == [(0, 200)]
    assert share_a == pytest.approx(200 / 500)
    assert share_b == pytest.approx(200 / 500)
    segs = S.segments(a, spans_a)
    assert "".join(p for p, _ in segs) == a
    assert [hit for _, hit in segs] == [False, True]


def test_full_width_forms_and_whitespace_do_not_hide_a_copy():
    rng = np.random.default_rng(4)
    text = words(400, rng) + "2023年，ABC" + words(400, rng)
    variant = text.replace("2023年，ABC", "２０２３年，ＡＢＣ").replace(
        text[100:110], text[100:105] + "\n " + text[105:110]
    )
    assert np.array_equal(S.text_hashes(text), S.text_hashes(variant))


def test_blocks_of_any_size_and_threads_give_the_same_signatures():
    """Reports are hashed a block at a time: windows that cross from one report into the next
    must never count, whatever the block boundaries and however short the reports."""
    rng = np.random.default_rng(12)
    texts = [words(int(rng.integers(0, 9)), rng) for _ in range(40)]  # many shorter than k
    texts += [words(int(rng.integers(5, 600)), rng) for _ in range(40)]
    texts = [texts[i] for i in rng.permutation(len(texts))]
    corpus = S.Corpus.from_texts(texts)
    expected = None
    for chunk, workers in [(1, 1), (3, 1), (7, 2), (32, 1), (1000, 1)]:
        sig, valid, _ = S.signatures(corpus, np.empty(0, dtype=np.uint32), S.Params(chunk=chunk), workers)
        if expected is None:
            expected = (sig, valid)
            for i, t in enumerate(texts):
                h = S.text_hashes(t)
                assert valid[i] == (h.shape[0] > 0)
                if h.shape[0]:
                    s = np.unique(h)
                    idx = np.searchsorted(s, (np.arange(128, dtype=np.uint64) * 2**25).astype(np.uint32))
                    idx[idx == s.shape[0]] = 0
                    assert np.array_equal(sig[i], s[idx])
        else:
            assert np.array_equal(sig, expected[0]) and np.array_equal(valid, expected[1]), (chunk, workers)


def test_common_filter_is_exact_when_slots_collide():
    """Common hashes that all want the same two slots: cuckoo placement takes two, the rest go to
    the stash, and membership stays exact."""
    rng = np.random.default_rng(13)
    top, low = np.uint32(5 << 21), np.uint32(7)
    crowded = top | (np.arange(1, 301, dtype=np.uint32) << np.uint32(11)) | low
    spread = rng.integers(0, 2**32, 2000, dtype=np.uint32)
    common = np.unique(np.concatenate([crowded, spread]))
    filt = S.CommonFilter(common)
    assert filt.stash.shape[0] > 0
    probe = np.concatenate(
        [common, rng.integers(0, 2**32, 50_000, dtype=np.uint32), crowded + np.uint32(1 << 11)]
    )
    assert np.array_equal(filt.common_mask(probe), np.isin(probe, common))
    blanked = probe.copy()
    filt.blank(blanked)
    assert np.array_equal(blanked == 0xFFFFFFFF, np.isin(probe, common) | (probe == 0xFFFFFFFF))
    assert np.array_equal(
        S.CommonFilter(np.empty(0, dtype=np.uint32)).common_mask(probe), np.zeros(probe.shape, bool)
    )


def test_sort_and_window_hashes_match_their_plain_definitions():
    rng = np.random.default_rng(14)
    for n in (0, 1, 63, 64, 65, 3000):
        a = rng.integers(0, 2**32, n, dtype=np.uint32)
        a[: n // 3] = a[n // 3 : 2 * (n // 3)]  # duplicates
        assert np.array_equal(S.sort32(a), np.sort(a))
    cp = rng.integers(0x4E00, 0x9FA5, 500, dtype=np.uint32)
    for k in (2, 3, 5, 7, 8):
        expected = []
        for p in range(cp.shape[0] - k + 1):
            v = 0
            for c in cp[p : p + k].tolist():
                v = (v * int(S._P) + c) % 2**32
            expected.append(v)
        assert S._poly_windows(cp, k).tolist() == expected


def test_signature_agreement_estimates_jaccard_of_real_shingles():
    """The same with the texts' own shingle hashes (polynomial + mixer), not random numbers: pairs
    of texts with edits at various rates."""
    rng = np.random.default_rng(15)
    errors = []
    texts = []
    for _ in range(40):
        base = words(3000, rng)
        texts += [base, edit(base, float(rng.uniform(0.005, 0.08)), rng)]
    corpus = S.Corpus.from_texts(texts)
    sig, _, sets = S.signatures(corpus, np.empty(0, dtype=np.uint32), S.Params())
    for i in range(0, len(texts), 2):
        a, b = sets[i], sets[i + 1]
        inter = S.intersection_size(a, b)
        errors.append((sig[i] == sig[i + 1]).mean() - inter / (a.shape[0] + b.shape[0] - inter))
    assert abs(np.mean(errors)) < 0.015
    assert np.std(errors) < 0.06


def test_sets_loaded_in_blocks_equal_sets_computed_one_by_one():
    texts, _ = corpus_with_plants(n_noise=30)
    texts += ["", "短", QUOTES[0]]  # empty, shorter than a shingle, nothing but common
    corpus = S.Corpus.from_texts(texts)
    common = S.common_hashes(corpus, S.Params(common_min_docs=10))
    loaded = S.SetCache(corpus, common)
    ids = [5, 3, 3, 0, len(texts) - 3, len(texts) - 2, len(texts) - 1, len(texts) - 4]
    loaded.load(ids, block=3)
    single = S.SetCache(corpus, common)
    assert loaded[len(texts) - 1].shape[0] == 0 and loaded[len(texts) - 3].shape[0] == 0
    for i in ids:
        h = S.text_hashes(texts[i])
        assert np.array_equal(loaded[i], single[i])
        assert np.array_equal(loaded[i], np.unique(h[~np.isin(h, common)]))
