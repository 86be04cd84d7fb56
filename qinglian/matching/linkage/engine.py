"""`link(left, right, params, decisions)`: the whole linkage, set-based, deterministic."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import polars as pl

from . import blocking, evidence, scoring
from .prepare import InputError, prepare

LINK = "link"
REVIEW = "review"
CONFIRMED = "confirmed"
REJECTED = "rejected"

OUTPUT_SCHEMA = {
    "left_id": pl.Int64,
    "right_id": pl.Int64,
    "score": pl.Float64,
    "method": pl.Utf8,
    "band": pl.Utf8,
    "evidence": pl.Utf8,
    "weight": pl.Float64,
}


@dataclass(frozen=True)
class Params:
    # Score at or above: band "link" (rules use these). 0.8, not 0.9: on the benchmark's ground truth
    # the scores are conservative at full size (links scoring 0.8–0.9 were about 98 % right), and at
    # 0.9 recall fell to 0.964 (docs/benchmarks.md, cross-matching). Chosen on that benchmark.
    threshold: float = 0.8
    review_floor: float = 0.5  # score at or above (and below threshold): band "review"
    prior: float | None = None  # P(random pair is a match); None = estimated from exact-ID links
    em_iterations: int = 10  # 0 = the documented m of scoring.M_DEFAULT; > 0 = re-estimated by EM
    em_prior: bool = True  # with EM, also re-estimate the prior (unless `prior` is given)
    sample_size: int = 1000  # u sample: sample_size × sample_size pairs
    seed: int = 20261124
    default_prior: float = 1e-8  # used when there are no ID links to estimate the prior from

    def __post_init__(self):
        if not 0.0 <= float(self.review_floor) <= float(self.threshold) <= 1.0:
            raise InputError("阈值应满足 0 ≤ 人工确认下限 ≤ 采信阈值 ≤ 1")
        if self.prior is not None and not 0.0 < float(self.prior) < 1.0:
            raise InputError("先验匹配概率应在 0 与 1 之间")


@dataclass(frozen=True)
class Reference:
    """Statistics of the full registry (and left side) so that incremental runs score like full ones."""

    frequencies: dict = field(repr=False)
    n_right: int
    n_county: int
    n_gender: int
    n_dated: int
    u_date: dict
    q_given: dict
    prior: float | None  # from the exact-ID links (None if there are none)
    # The fitted model (EM), set by `stats()`: an incremental run then uses these as they are.
    m: dict | None = None
    fitted_prior: float | None = None


def _reference(left: pl.DataFrame, right: pl.DataFrame, params: Params, n_id_links: int | None) -> Reference:
    if n_id_links is None:
        n_id_links = blocking.id_pairs(left, right).height
    with_id_l = left["id_hash"].is_not_null().sum()
    with_id_r = right["id_hash"].is_not_null().sum()
    prior = n_id_links / (with_id_l * with_id_r) if n_id_links and with_id_l and with_id_r else None
    return Reference(
        frequencies=scoring.frequencies(right),
        n_right=right.height,
        n_county=int(right["county"].is_not_null().sum()),
        n_gender=int(right["gender"].is_not_null().sum()),
        n_dated=int(right["birth_date"].is_not_null().sum()),
        u_date=scoring.date_u(left, right, seed=params.seed, size=params.sample_size),
        q_given=scoring.given_typo_rate(left, right, seed=params.seed, size=params.sample_size),
        prior=prior,
    )


def stats(right: pl.DataFrame, left: pl.DataFrame, params: Params | None = None) -> Reference:
    """The model fitted on the full frames (frequencies, u, EM-estimated m and prior), for
    `link(left, new_rows, reference=stats(full_right, full_left))`: an incremental run then scores
    every pair exactly as a full run does. Costs about as much as a full run without its output."""
    params = params or Params()
    lp, rp = prepare(left, "左侧（干部及亲属）"), prepare(right, "右侧（登记人员）")
    ref = _reference(lp, rp, params, None)
    _, m, prior = _scored_pairs(lp, rp, params, ref)
    return replace(ref, m=m, fitted_prior=prior)


def _scored_pairs(lp: pl.DataFrame, rp: pl.DataFrame, params: Params, ref: Reference):
    pairs = _join_sides(blocking.name_pairs(lp, rp), lp, rp)
    pairs = scoring.compare(pairs)
    pairs = scoring.attach_u(
        pairs,
        ref.frequencies,
        n_right=ref.n_right,
        n_county=ref.n_county,
        n_gender=ref.n_gender,
        n_dated=ref.n_dated,
        u_date=ref.u_date,
        q_given=ref.q_given,
    ).sort("li", "ri")  # joins may reorder rows; EM sums must see them in one order
    if ref.m is not None:
        m, prior = ref.m, (params.prior if params.prior is not None else ref.fitted_prior)
    else:
        prior = params.prior if params.prior is not None else (ref.prior or params.default_prior)
        n_noid_l = int(lp["id_hash"].is_null().sum())
        n_noid_r = int(rp["id_hash"].is_null().sum())
        n_pairs = lp.height * n_noid_r + n_noid_l * (rp.height - n_noid_r)
        m, prior = scoring.estimate(
            pairs, prior, n_pairs, params.em_iterations, params.prior is None and params.em_prior
        )
    return scoring.score(pairs, m, scoring.prior_log2(prior)), m, prior


_SIDE_COLS = (
    "_i",
    "id",
    "name",
    "name_key",
    "pinyin",
    "surname",
    "given",
    "id_hash",
    "birth_date",
    "date_int",
    "county",
    "gender",
)


def _join_sides(pairs: pl.DataFrame, left: pl.DataFrame, right: pl.DataFrame) -> pl.DataFrame:
    lcols = left.select(_SIDE_COLS)
    rcols = right.select(_SIDE_COLS)
    joined = pairs.join(lcols.rename({c: f"{c}_l" for c in _SIDE_COLS}), left_on="li", right_on="_i_l")
    return joined.join(rcols.rename({c: f"{c}_r" for c in _SIDE_COLS}), left_on="ri", right_on="_i_r")


def _decisions(decisions: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"left_id": pl.Int64, "right_id": pl.Int64, "decision": pl.Utf8}
    if decisions is None or decisions.height == 0:
        return pl.DataFrame(schema=schema)
    missing = [c for c in schema if c not in decisions.columns]
    if missing:
        raise InputError(f"复核结论缺少列：{', '.join(missing)}")
    d = decisions.select([pl.col(c).cast(t) for c, t in schema.items()])
    bad = d.filter(~pl.col("decision").is_in([CONFIRMED, REJECTED]))
    if bad.height:
        raise InputError(f"复核结论只能是 confirmed 或 rejected，发现：{bad['decision'][0]}")
    # The latest decision per pair wins if a frame carries several (callers pass them in order).
    return d.unique(["left_id", "right_id"], keep="last", maintain_order=True)


def reference_dump(ref: Reference) -> dict:
    """The fitted model as JSON-safe data, without the registry-side frequencies (a run keeps it
    and an incremental run reloads it; the frequencies are recomputed from the same registry rows,
    which an incremental run requires, and checked against the counts kept here)."""
    if ref.m is None:
        raise InputError("参考统计尚未拟合（请用 link_fitted 或 stats 生成）")
    return {
        "n_right": int(ref.n_right),
        "n_county": int(ref.n_county),
        "n_gender": int(ref.n_gender),
        "n_dated": int(ref.n_dated),
        "u_date": {k: float(v) for k, v in ref.u_date.items()},
        "q_given": [[int(k), float(v)] for k, v in sorted(ref.q_given.items())],
        "prior": None if ref.prior is None else float(ref.prior),
        "m": {f: {k: float(v) for k, v in levels.items()} for f, levels in ref.m.items()},
        "fitted_prior": None if ref.fitted_prior is None else float(ref.fitted_prior),
    }


def reference_load(data: dict) -> Reference:
    """The model kept by `reference_dump`; `link` fills in the frequencies from its right frame."""
    try:
        return Reference(
            frequencies=None,
            n_right=int(data["n_right"]),
            n_county=int(data["n_county"]),
            n_gender=int(data["n_gender"]),
            n_dated=int(data["n_dated"]),
            u_date={str(k): float(v) for k, v in data["u_date"].items()},
            q_given={int(k): float(v) for k, v in data["q_given"]},
            prior=None if data["prior"] is None else float(data["prior"]),
            m={f: {k: float(v) for k, v in levels.items()} for f, levels in data["m"].items()},
            fitted_prior=None if data["fitted_prior"] is None else float(data["fitted_prior"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"参考统计格式有误：{exc}") from None


def _complete(ref: Reference, rp: pl.DataFrame) -> Reference:
    """A reloaded reference gets the frequencies of the registry rows it was fitted on."""
    if ref.frequencies is not None:
        return ref
    counts = (rp.height, int(rp["county"].is_not_null().sum()), int(rp["gender"].is_not_null().sum()),
              int(rp["birth_date"].is_not_null().sum()))  # fmt: skip
    if counts != (ref.n_right, ref.n_county, ref.n_gender, ref.n_dated):
        raise InputError("参考统计与当前登记数据不一致（登记数据已变化，应重新全量比对）")
    return replace(ref, frequencies=scoring.frequencies(rp))


def link(
    left: pl.DataFrame,
    right: pl.DataFrame,
    params: Params | None = None,
    decisions: pl.DataFrame | None = None,
    reference: Reference | None = None,
) -> pl.DataFrame:
    """Scored links of `left` to `right`. With a fitted `reference` (from `link_fitted`, `stats` or
    `reference_load`), every pair is scored with that model only: linking a subset of the left
    side then gives exactly that subset's rows of the full output (blocking and scoring are
    pair-local), which is what an incremental run relies on."""
    return _link(left, right, params, decisions, reference)[0]


def link_fitted(
    left: pl.DataFrame,
    right: pl.DataFrame,
    params: Params | None = None,
    decisions: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, Reference]:
    """A full linkage that also returns the model it fitted (for later incremental runs)."""
    return _link(left, right, params, decisions, None)


def _link(left, right, params, decisions, reference) -> tuple[pl.DataFrame, Reference]:
    params = params or Params()
    decided = _decisions(decisions)
    lp = prepare(left, "左侧（干部及亲属）")
    rp = prepare(right, "右侧（登记人员）")

    id_pairs = blocking.id_pairs(lp, rp)
    ref = _complete(reference, rp) if reference is not None else _reference(lp, rp, params, id_pairs.height)

    by_id = _join_sides(id_pairs, lp, rp).select(
        pl.col("id_l").alias("left_id"),
        pl.col("id_r").alias("right_id"),
        pl.lit(1.0).alias("score"),
        pl.lit("id").alias("method"),
        evidence.id_method_evidence().alias("evidence"),
        pl.lit(None, pl.Float64).alias("weight"),
    )

    pairs, m, prior = _scored_pairs(lp, rp, params, ref)
    if ref.m is None:
        ref = replace(ref, m=m, fitted_prior=prior)
    by_name = pairs.filter(pl.col("score") >= params.review_floor).select(
        pl.col("id_l").alias("left_id"),
        pl.col("id_r").alias("right_id"),
        pl.col("score"),
        pl.lit("name").alias("method"),
        evidence.name_method_evidence().alias("evidence"),
        pl.col("weight"),
    )

    found = pl.concat([by_id, by_name])
    rejected = decided.filter(pl.col("decision") == REJECTED).select("left_id", "right_id")
    confirmed = decided.filter(pl.col("decision") == CONFIRMED).select("left_id", "right_id")
    confirmed = confirmed.join(lp.select(pl.col("id").alias("left_id")), on="left_id", how="semi").join(
        rp.select(pl.col("id").alias("right_id")), on="right_id", how="semi"
    )
    found = found.join(rejected, on=["left_id", "right_id"], how="anti")
    kept = confirmed.join(found, on=["left_id", "right_id"], how="left").select(
        "left_id",
        "right_id",
        pl.lit(1.0).alias("score"),
        pl.lit("decision").alias("method"),
        pl.concat_str([pl.lit("复核确认"), pl.col("evidence")], separator="：", ignore_nulls=True).alias(
            "evidence"
        ),
        pl.col("weight"),
    )
    found = found.join(confirmed, on=["left_id", "right_id"], how="anti")
    out = pl.concat([found, kept]).with_columns(
        pl.when(pl.col("score") >= params.threshold)
        .then(pl.lit(LINK))
        .otherwise(pl.lit(REVIEW))
        .alias("band")
    )
    return out.select(list(OUTPUT_SCHEMA)).cast(OUTPUT_SCHEMA).sort("left_id", "right_id"), ref
