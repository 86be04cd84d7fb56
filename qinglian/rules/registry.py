"""Rules declared in code, and the one way to read a rule's parameter.

Each app lists its rules in its own `rules.py` and calls `register(*specs)` at import; the rules
app imports every installed app's `rules` module when Django starts, and `rules_sync` (run after
every `migrate`) creates missing rules and default parameters without touching values that exist.

Reading::

    from qinglian.rules.registry import param

    p = param("sanction.gov.warning", "months", as_of=decision.effective_on)
    p.value      # 6
    p.citation   # 《公职人员政务处分法》（2020年）第八条
    p.unsettled  # False; True means the UI must say "默认值，依据待核实"

To re-explain an old decision with what the system knew then, pass `known_on=decision.made_at`:
values recorded later (even backdated ones) are then ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from qinglian.rules import values

# Shipped defaults apply from this date: earlier than any decision the platform will look at.
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)
DEFAULT_REASON = "系统默认值（随程序发布，依据见规则引用）"
UNSETTLED_LABEL = "默认值，依据待核实"


class UnknownRule(LookupError):
    pass


class ParameterMissing(LookupError):
    pass


@dataclass(frozen=True)
class Citation:
    regulation: str  # without 《》
    year: int | None = None
    article: str = ""  # e.g. "第十条", "第十五条至第十六条"

    @property
    def text(self) -> str:
        out = f"《{self.regulation}》"
        if self.year:
            out += f"（{self.year}年）"
        return out + self.article


@dataclass(frozen=True)
class Param:
    """A parameter's shipped default, its label for people, and its allowed range."""

    default: int | Decimal | bool | str
    label: str = ""
    minimum: int | Decimal | None = None
    maximum: int | Decimal | None = None

    @property
    def kind(self) -> str:
        return values.kind_of(self.default)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    citation: Citation
    description: str = ""
    unsettled: bool = False
    params: dict[str, Param | int | Decimal | bool | str] = field(default_factory=dict)
    owner: str = ""

    def param_specs(self) -> dict[str, Param]:
        out = {}
        for key, p in self.params.items():
            p = p if isinstance(p, Param) else Param(p)
            if p.minimum is None and p.kind in (values.INT, values.DECIMAL):
                p = Param(p.default, p.label, 0, p.maximum)  # periods and ratios are never negative
            out[key] = p
        return out


_SPECS: dict[str, RuleSpec] = {}


def register(*specs: RuleSpec) -> None:
    """Declare rules (called at import of an app's `rules.py`). Same code twice must be the same spec."""
    for spec in specs:
        if not spec.owner:
            raise ValueError(f"rule {spec.code} must name its owner app")
        existing = _SPECS.get(spec.code)
        if existing is not None and existing != spec:
            raise ValueError(f"rule {spec.code} is registered twice with different content")
        for p in spec.param_specs().values():
            values.kind_of(p.default)
        _SPECS[spec.code] = spec


def specs() -> dict[str, RuleSpec]:
    return dict(_SPECS)


def spec_for(code: str) -> RuleSpec | None:
    return _SPECS.get(code)


def param_spec(code: str, key: str) -> Param | None:
    spec = _SPECS.get(code)
    return spec.param_specs().get(key) if spec else None


@dataclass(frozen=True)
class ParamValue:
    """A parameter's value on a date, with what a caller needs to cite it."""

    rule_code: str
    key: str
    value: int | Decimal | bool | str
    effective_from: date
    recorded_at: datetime
    rule_name: str
    citation: str
    unsettled: bool

    @property
    def basis(self) -> str:
        """The citation as shown to users, flagged when the default is not settled."""
        return f"{self.citation}（{UNSETTLED_LABEL}）" if self.unsettled else self.citation


def rule(code: str):
    """The Rule row for `code` (raises UnknownRule)."""
    from qinglian.rules.models import Rule

    try:
        return Rule.objects.get(code=code)
    except Rule.DoesNotExist:
        raise UnknownRule(f"unknown rule {code!r}") from None


def _check_dates(as_of, known_on) -> None:
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise TypeError("as_of must be a date (not a datetime)")
    if known_on is not None and (not isinstance(known_on, datetime) or timezone.is_naive(known_on)):
        raise TypeError("known_on must be a timezone-aware datetime")


def _as_value(row) -> ParamValue:
    return ParamValue(
        rule_code=row.rule.code,
        key=row.key,
        value=row.typed_value,
        effective_from=row.effective_from,
        recorded_at=row.recorded_at,
        rule_name=row.rule.name,
        citation=row.rule.citation,
        unsettled=row.rule.unsettled,
    )


def param(code: str, key: str, *, as_of: date, known_on: datetime | None = None) -> ParamValue:
    """The value of `code`.`key` in force on `as_of`: the row with the latest effective date on or
    before it (ties: the latest recorded). With `known_on`, only rows recorded by then count (and
    the shipped defaults, which stand for the regulation and are known on any day)."""
    from qinglian.rules.models import RuleParameter

    _check_dates(as_of, known_on)
    rows = RuleParameter.objects.filter(rule__code=code, key=key, effective_from__lte=as_of)
    if known_on is not None:
        rows = rows.filter(Q(recorded_at__lte=known_on) | Q(is_default=True))
    row = rows.select_related("rule").order_by("-effective_from", "-recorded_at", "-id").first()
    if row is None:
        rule(code)  # UnknownRule if the rule itself is missing
        raise ParameterMissing(f"rule {code!r} has no parameter {key!r} in force on {as_of}")
    return _as_value(row)


def params(code: str, *, as_of: date, known_on: datetime | None = None) -> dict[str, ParamValue]:
    """Every parameter of one rule in force on `as_of` (one query)."""
    from qinglian.rules.models import RuleParameter

    _check_dates(as_of, known_on)
    rows = RuleParameter.objects.filter(rule__code=code, effective_from__lte=as_of)
    if known_on is not None:
        rows = rows.filter(Q(recorded_at__lte=known_on) | Q(is_default=True))
    return current_values(rows.select_related("rule"))


def pick_in_force(rows) -> dict:
    """Per key, the row in force among `rows` (already limited to the date and the knowledge):
    the latest effective date, then the latest recorded."""
    best: dict[str, object] = {}
    for row in rows:
        cur = best.get(row.key)
        if cur is None or (row.effective_from, row.recorded_at, row.pk) > (
            cur.effective_from,
            cur.recorded_at,
            cur.pk,
        ):
            best[row.key] = row
    return dict(sorted(best.items()))


def current_values(rows) -> dict[str, ParamValue]:
    return {k: _as_value(r) for k, r in pick_in_force(rows).items()}
