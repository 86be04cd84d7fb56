"""Statistics of reports and clues (issue 5 item 10; seed 002: clues, cases and sanctions year on
year): by channel, problem type, disposal method, outcome and timeliness, by month, this year
against the year before.

Scope-aware: a user counts only the reports received by, and the clues about, units in their
`intake.stats` scope; restricted reports (about the commission's own head) only for the intake
role. Set-based: every figure comes from a handful of GROUP BY queries (six, whatever the volume),
never from a loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.intake.models import Channel, Clue, Disposal, ProblemType, Report
from qinglian.workitems.models import WorkItem

DEADLINE_LABELS = {
    "intake.acknowledge": "实名举报受理告知",
    "intake.forward": "转送上级/下级",
    "intake.inquiry_reply": "函询回复",
    "intake.result_notice": "办理结果反馈",
    "intake.hold_review": "暂存待查复查",
    "intake.referral_reply": "“三办”责任单位回复",
    "intake.petition_handling": "信访事项办理（60日）",
    "intake.rectification": "建议书整改报送",
}
CLUE_OUTCOME_LABELS = {"": "未办结"}


@dataclass
class Breakdown:
    """One table: a row per category, this year against the year before."""

    title: str
    rows: list[dict] = field(default_factory=list)

    @property
    def total_this(self) -> int:
        return sum(r["this"] for r in self.rows)

    @property
    def total_prev(self) -> int:
        return sum(r["prev"] for r in self.rows)

    @property
    def total_change(self) -> str:
        return change_text(self.total_this, self.total_prev)


def change_text(this: int, prev: int) -> str:
    """Year-over-year change as shown in the tables: +12.5%, -3.0%, 持平, 新增 (from zero)."""
    if prev == 0:
        return "—" if this == 0 else "新增"
    if this == prev:
        return "持平"
    return f"{(this - prev) * 100 / prev:+.1f}%"


def _breakdown(
    title: str, counts: dict, year: int, labels: dict[str, str], *, keep_empty: bool = False
) -> Breakdown:
    """counts: {(year, key): n}."""
    table = Breakdown(title)
    keys = list(labels) + sorted({k for (_, k) in counts} - set(labels), key=str)
    for key in keys:
        this, prev = counts.get((year, key), 0), counts.get((year - 1, key), 0)
        if this or prev or keep_empty:
            table.rows.append(
                {"key": key, "label": labels.get(key, key or "—"), "this": this, "prev": prev,
                 "change": change_text(this, prev)}
            )  # fmt: skip
    return table


def _bounds(year: int) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(date(year - 1, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz),
    )


def intake_stats(user, *, year: int) -> dict:
    s = scope(user, "intake.stats")
    start, end = _bounds(year)
    reports = Report.objects.filter(
        s.units_q("receiving_unit__"), received_at__gte=start, received_at__lt=end
    )
    if not has_capability(user, "sealed.reporter_identity"):
        reports = reports.filter(restricted=False)
    clues = Clue.objects.filter(s.units_q("unit__"), registered_at__gte=start, registered_at__lt=end)

    # 1. Reports by year, month, channel and problem type (one query).
    by_channel, by_type, report_months = {}, {}, {year: [0] * 12, year - 1: [0] * 12}
    rows = (
        reports.annotate(y=ExtractYear("received_at"), m=ExtractMonth("received_at"))
        .values("y", "m", "channel", "problem_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        by_channel[(r["y"], r["channel"])] = by_channel.get((r["y"], r["channel"]), 0) + r["n"]
        by_type[(r["y"], r["problem_type"])] = by_type.get((r["y"], r["problem_type"]), 0) + r["n"]
        if r["y"] in report_months:
            report_months[r["y"]][r["m"] - 1] += r["n"]
    # 2. Reports by how they were dealt with (status), by year.
    by_status = {
        (r["y"], r["status"]): r["n"]
        for r in reports.annotate(y=ExtractYear("received_at"))
        .values("y", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    # 3. Clues by year, month, source and problem type.
    clue_source, clue_type, clue_months = {}, {}, {year: [0] * 12, year - 1: [0] * 12}
    for r in (
        clues.annotate(y=ExtractYear("registered_at"), m=ExtractMonth("registered_at"))
        .values("y", "m", "source", "problem_type")
        .annotate(n=Count("id"))
        .order_by()
    ):
        clue_source[(r["y"], r["source"])] = clue_source.get((r["y"], r["source"]), 0) + r["n"]
        clue_type[(r["y"], r["problem_type"])] = clue_type.get((r["y"], r["problem_type"]), 0) + r["n"]
        if r["y"] in clue_months:
            clue_months[r["y"]][r["m"] - 1] += r["n"]
    # 4. Clues by state and outcome.
    clue_status, clue_outcome = {}, {}
    for r in (
        clues.annotate(y=ExtractYear("registered_at"))
        .values("y", "status", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        clue_status[(r["y"], r["status"])] = clue_status.get((r["y"], r["status"]), 0) + r["n"]
        if r["status"] in (Clue.Status.CLOSED, Clue.Status.CASE_OPENED):
            key = r["outcome"] or r["status"]
            clue_outcome[(r["y"], key)] = clue_outcome.get((r["y"], key), 0) + r["n"]
    # 5. Approved disposals by method (the year of approval).
    disposals = {
        (r["y"], r["method"]): r["n"]
        for r in Disposal.objects.filter(
            s.units_q("clue__unit__"),
            status=Disposal.Status.APPROVED,
            approved_at__gte=start,
            approved_at__lt=end,
        )
        .annotate(y=ExtractYear("approved_at"))
        .values("y", "method")
        .annotate(n=Count("id"))
        .order_by()
    }
    # 6. Timeliness: work items of intake kinds closed in each year, on time or late; open and overdue.
    today = timezone.localdate()
    in_scope = s.units_q("assignee_unit__") | s.units_q("escalate_to__") | s.units_q("assignee_user__unit__")
    done = Q(status=WorkItem.Status.DONE)
    on_time = Q(completed_at__date__lte=F("due_date"))
    timeliness = []
    for r in (
        WorkItem.objects.filter(in_scope, kind__startswith="intake.")
        .values("kind")
        .annotate(
            done_this=Count("id", filter=done & Q(completed_at__gte=start.replace(year=year), completed_at__lt=end)),
            ontime_this=Count("id", filter=done & on_time & Q(completed_at__gte=start.replace(year=year), completed_at__lt=end)),
            done_prev=Count("id", filter=done & Q(completed_at__gte=start, completed_at__lt=start.replace(year=year))),
            ontime_prev=Count("id", filter=done & on_time & Q(completed_at__gte=start, completed_at__lt=start.replace(year=year))),
            overdue=Count("id", filter=Q(status=WorkItem.Status.OPEN, due_date__lt=today)),
        )
        .order_by("kind")
    ):  # fmt: skip
        if not (r["done_this"] or r["done_prev"] or r["overdue"]):
            continue
        timeliness.append(
            {"kind": r["kind"], "label": DEADLINE_LABELS.get(r["kind"], r["kind"]),
             "done": r["done_this"], "on_time": r["ontime_this"], "rate": _rate(r["ontime_this"], r["done_this"]),
             "done_prev": r["done_prev"], "rate_prev": _rate(r["ontime_prev"], r["done_prev"]),
             "overdue": r["overdue"]}
        )  # fmt: skip
    total_done = sum(t["done"] for t in timeliness)
    on_time_total = sum(t["on_time"] for t in timeliness)
    tables = {
        "channel": _breakdown("按来源渠道（信访举报件）", by_channel, year, dict(Channel.choices)),
        "type": _breakdown("按问题类别（信访举报件）", by_type, year, dict(ProblemType.choices)),
        "status": _breakdown("按办理方式（信访举报件）", by_status, year, dict(Report.Status.choices)),
        "clue_source": _breakdown("按来源（问题线索）", clue_source, year, dict(Clue.Source.choices)),
        "clue_type": _breakdown("按问题类别（问题线索）", clue_type, year, dict(ProblemType.choices)),
        "clue_status": _breakdown("按状态（问题线索）", clue_status, year, dict(Clue.Status.choices)),
        "disposal": _breakdown(
            "按处置方式（经批准的处置意见）", disposals, year, dict(Disposal.Method.choices), keep_empty=True
        ),  # fmt: skip
        "outcome": _breakdown("按办理结果（已办结线索）", clue_outcome, year, _outcome_labels()),
    }
    month_labels = [f"{m}月" for m in range(1, 13)]
    return {
        "year": year,
        "tables": tables,
        "timeliness": timeliness,
        "on_time_rate": _rate(on_time_total, total_done),
        "chart": {
            "year": year,
            "months": month_labels,
            "reports": {"this": report_months[year], "prev": report_months[year - 1]},
            "clues": {"this": clue_months[year], "prev": clue_months[year - 1]},
            "channel": _chart_rows(tables["channel"]),
            "type": _chart_rows(tables["type"]),
            "disposal": _chart_rows(tables["disposal"]),
            "timeliness": [
                {"label": t["label"], "rate": t["rate"]} for t in timeliness if t["rate"] is not None
            ],
        },
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _chart_rows(table: Breakdown) -> list[dict]:
    return [{"label": r["label"], "this": r["this"], "prev": r["prev"]} for r in table.rows]


def _outcome_labels() -> dict[str, str]:
    """Clue outcomes as the disposal area writes them (disposal.CLOSING_OUTCOMES)."""
    labels = {Clue.Status.CASE_OPENED.value: "立案审查调查", Clue.Status.CLOSED.value: "予以了结"}
    try:
        from qinglian.intake.disposal import CLOSING_OUTCOMES
    except ImportError:  # pragma: no cover - the disposal area is always installed with intake
        return labels
    return labels | dict(CLOSING_OUTCOMES)
