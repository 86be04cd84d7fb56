"""What a person is barred from, as of a date, and why — for any past or future date.

`as_of` is the date the question is about; `known_on` (optional) limits the answer to what had
been recorded by then (entries, reviews, voids, closings all carry their recording time), so an
old opinion can be re-explained exactly as it was given. Every bar names its entry and its rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from qinglian.archive.kinds import RESTRICTION_LABELS, Effect, Period
from qinglian.archive.models import ArchiveEntry
from qinglian.rules.registry import UNSETTLED_LABEL, param


@dataclass(frozen=True)
class Bar:
    entry: ArchiveEntry
    effect: str  # "object" or "postpone"
    restrictions: frozenset[str]
    until: date | None  # last day; None = until closed / permanent
    permanent: bool
    citation: str
    unsettled: bool

    @property
    def restriction_labels(self) -> list[str]:
        return [RESTRICTION_LABELS[r] for r in sorted(self.restrictions)]

    @property
    def explanation(self) -> str:
        e = self.entry
        if self.permanent:
            span = "长期"
        elif self.until is None:
            span = "至该事项办结"
        else:
            span = f"至{self.until:%Y年%m月%d日}"
        basis = f"依据{self.citation}" if self.citation else ""
        if self.unsettled:
            basis += f"（{UNSETTLED_LABEL}）"
        return (
            f"{e.kind.name}（{e.effective_on:%Y年%m月%d日}{'，' + e.decision_document if e.decision_document else ''}）："
            f"{span}不得{'、'.join(self.restriction_labels)}{'；' + basis if basis else ''}"
        )


def _known(entry: ArchiveEntry, known_on: datetime | None) -> bool:
    if known_on is not None and entry.recorded_at > known_on:
        return False
    if entry.voided_at and (known_on is None or entry.voided_at <= known_on):
        return False
    if entry.review == ArchiveEntry.Review.NOT_NEEDED:
        return True
    return entry.review == ArchiveEntry.Review.ACCEPTED and (
        known_on is None or entry.reviewed_at <= known_on
    )


def counting_entries(entries: Iterable[ArchiveEntry], *, as_of: date, known_on: datetime | None = None):
    """The entries that count on `as_of` (as known on `known_on`): in force, not superseded/closed."""
    entries = [e for e in entries if _known(e, known_on) and e.effective_on <= as_of]
    ended = {e.supersedes_id for e in entries if e.supersedes_id} | {
        e.closes_id for e in entries if e.closes_id
    }
    return [e for e in entries if e.pk not in ended]


def _citation(entry: ArchiveEntry) -> tuple[str, bool]:
    kind = entry.kind
    if not kind.rule:
        return "", False
    if entry.period_months and kind.period == Period.GOV_COMBINED:
        code, key = "sanction.gov.combined", "max_months"
    else:
        from qinglian.rules.registry import spec_for

        spec = spec_for(kind.rule)
        if spec is None:
            return "", False
        code, key = kind.rule, next(iter(spec.param_specs()))
    p = param(code, key, as_of=entry.effective_on, known_on=entry.recorded_at)
    return p.citation, p.unsettled


def bars(entries: Iterable[ArchiveEntry], *, as_of: date, known_on: datetime | None = None,
         citations: dict | None = None) -> list[Bar]:  # fmt: skip
    """`citations`: a memo shared by the calls of one batch (e.g. an opinion request), so that the
    number of queries does not grow with the number of people (a citation is the rule's own)."""
    memo = {} if citations is None else citations
    out = []
    for e in counting_entries(entries, as_of=as_of, known_on=known_on):
        kind = e.kind
        if kind.effect == Effect.NONE or e.kind.code == "correction":
            continue
        active = (
            e.permanent
            or kind.period == Period.UNTIL_CLOSED
            or (e.influence_end and e.influence_end >= as_of)
        )
        if not active:
            continue
        key = (kind.rule, bool(e.period_months and kind.period == Period.GOV_COMBINED))
        if key not in memo:
            memo[key] = _citation(e)
        citation, unsettled = memo[key]
        out.append(Bar(e, kind.effect, frozenset(kind.restrictions), e.influence_end, e.permanent, citation,
                       unsettled))  # fmt: skip
    return sorted(out, key=lambda b: (b.effect != "object", b.entry.effective_on))


def entries_for(person_ids: Iterable[int]) -> dict[int, list[ArchiveEntry]]:
    """Every entry of these people, in one query (for batches such as opinion requests)."""
    grouped: dict[int, list[ArchiveEntry]] = defaultdict(list)
    rows = (
        ArchiveEntry.objects.filter(person_id__in=list(person_ids))
        .select_related("kind")
        .order_by("effective_on", "id")
    )
    for e in rows:
        grouped[e.person_id].append(e)
    return grouped


def person_bars(person, *, as_of: date, known_on: datetime | None = None) -> list[Bar]:
    return bars(entries_for([person.pk]).get(person.pk, []), as_of=as_of, known_on=known_on)
