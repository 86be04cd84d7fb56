"""Archive histories for the demo's cadres: seeded, set-based, realistic proportions.

This is generation, not user input: rows are built directly as `ArchiveEntry` objects with their
influence end computed by `archive.periods.compute` (the rule as in force on each decision date)
and bulk-inserted in batches, going around `archive.services.entry_record` on purpose (one call
per entry would take minutes and write 40,000 audit events of a fictional past). The derived state
(`ended_at`/`ended_on` of closed or superseded entries) is set as the service would set it. After
the load, the grade and warning scan runs once over everyone.

Proportions per year: annual appraisal for everyone (about 83% 称职, 15% 优秀, 1.8% 基本称职, 0.2%
不称职), about 3% with a yellow entry, well under 1% with a sanction, about 2% commended, training
and other blue information; a few open verifications, cases and inquiries; unit-level clues and
inspection findings. `PREPARED` describes the cadres set up to show each warning rule and each
opinion verdict; `generate` returns them by name so the demo output can print them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from qinglian.archive.models import ArchiveEntry, EntryKind
from qinglian.archive.periods import add_months, compute
from qinglian.people.models import Cadre, Unit

BATCH = 5000
APPRAISAL_YEARS = range(2021, 2026)
YELLOW = ["handling.reminder_talk", "handling.criticism", "handling.self_examination", "handling.circular",
          "handling.admonishment", "conduct.finding", "org.reassignment", "declaration.omission"]  # fmt: skip
SANCTIONS = ["party.warning", "party.serious_warning", "gov.warning", "gov.demerit", "gov.major_demerit"]
INFO = ["info.training", "info.report_on_time", "info.family_event", "info.talk", "info.post_change"]
SUMMARIES = {
    "handling.reminder_talk": "因工作作风问题被谈话提醒", "handling.criticism": "因公务接待超标准被批评教育",
    "handling.self_examination": "因履职不力被责令书面检查", "handling.circular": "因违规使用公车被通报批评",
    "handling.admonishment": "因违规收受礼品被诫勉", "conduct.finding": "经核实存在负面清单所列问题",
    "org.reassignment": "因履职不力被调整职务", "declaration.omission": "个人有关事项报告漏报房产一处",
    "party.warning": "违反廉洁纪律，给予党内警告处分", "party.serious_warning": "违反组织纪律，给予党内严重警告处分",
    "gov.warning": "违反工作纪律，给予政务警告处分", "gov.demerit": "违规发放津贴补贴，给予记过处分",
    "gov.major_demerit": "违规插手工程项目，给予记大过处分", "info.training": "参加年度廉政教育培训",
    "info.report_on_time": "按时报告个人有关事项", "info.family_event": "报备子女婚礼事宜，按规定操办",
    "info.talk": "参加任职廉政谈话", "info.post_change": "职务变动", "commendation": "获县级优秀共产党员表彰",
    "verification.opened": "对反映的问题线索进行初步核实", "case.opened": "涉嫌违纪立案审查调查",
    "handling.inquiry": "就群众反映问题发函询问", "handling.inquiry_answered": "已按要求书面回复函询",
    "allegation.registered": "收到反映该同志问题的举报", "unit.clue": "收到反映本单位问题的线索",
    "unit.inspection_finding": "巡察发现“三重一大”决策程序不规范", "unit.rectified": "巡察反馈问题已整改完成",
}  # fmt: skip


@dataclass
class Generated:
    entries: int = 0
    prepared: dict[str, str] = field(default_factory=dict)  # situation -> "name（unit）"


class _Builder:
    def __init__(self, today: date):
        self.today = today
        self.kinds = {k.code: k for k in EntryKind.objects.all()}
        self.rows: list[ArchiveEntry] = []
        self._influence: dict[tuple, object] = {}
        self._next_id = (ArchiveEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

    def influence(self, code, effective_on, period_months=None, period_year=None):
        key = (code, effective_on, period_months, period_year)
        if key not in self._influence:
            self._influence[key] = compute(self.kinds[code], effective_on=effective_on, period_months=period_months,
                                           period_year=period_year)  # fmt: skip
        return self._influence[key]

    def add(self, code, *, person_id=None, unit_id, on: date, summary="", months=None, year=None, decided_by="",
            document="", supersedes=None, revokes=False, closes=None, review=ArchiveEntry.Review.NOT_NEEDED):  # fmt: skip
        kind = self.kinds[code]
        inf = self.influence(code, on, months, year)
        recorded = timezone.make_aware(datetime.combine(on, time(10, 0)))
        if kind.needs_decision and not decided_by:
            decided_by = (
                "县纪委常委会"
                if code.startswith(("party.", "gov.", "handling.", "conduct."))
                else "县委组织部"
            )
        if kind.needs_document and not document:
            document = f"演纪处〔{on.year}〕{len(self.rows) % 97 + 1}号"
        entry = ArchiveEntry(
            id=self._next_id, person_id=person_id, unit_id=unit_id, kind=kind, colour=kind.colour, occurred_on=on,
            effective_on=on, influence_end=inf.end, permanent=inf.permanent, period_months=months, period_year=year,
            summary=summary or SUMMARIES.get(code, kind.name), source_app="demo", decided_by=decided_by,
            decision_document=document, sensitivity="sealed" if kind.sealed else "normal", review=review,
            supersedes=supersedes, revokes=revokes, closes=closes, recorded_at=recorded,
        )  # fmt: skip
        self._next_id += 1
        for previous in (supersedes, closes):
            if previous is not None:
                previous.ended_at, previous.ended_on = recorded, on
        self.rows.append(entry)
        return entry


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


def _people_history(b: _Builder, rng: random.Random, cadres: list[tuple[int, int]]) -> None:
    today = b.today
    for pid, uid in cadres:
        for year in APPRAISAL_YEARS:
            decided = date(year + 1, 1, 15) + timedelta(days=rng.randrange(20))
            if decided > today:
                continue
            r = rng.random()
            code = ("appraisal.incompetent" if r < 0.002 else "appraisal.basically_competent" if r < 0.02
                    else "appraisal.excellent" if r < 0.17 else "appraisal.competent")  # fmt: skip
            b.add(code, person_id=pid, unit_id=uid, on=decided, year=year, summary=f"{year}年度考核")
            start, end = date(year, 1, 1), min(date(year, 12, 31), today)
            if rng.random() < 0.03:
                code = rng.choice(YELLOW)
                months = 12 if code.startswith("org.") else None
                b.add(code, person_id=pid, unit_id=uid, on=_day(rng, start, end), months=months)
            if rng.random() < 0.0015:
                b.add(rng.choice(SANCTIONS), person_id=pid, unit_id=uid, on=_day(rng, start, end))
            if rng.random() < 0.02:
                b.add("commendation", person_id=pid, unit_id=uid, on=_day(rng, start, end))
            if rng.random() < 0.25:
                b.add(rng.choice(INFO), person_id=pid, unit_id=uid, on=_day(rng, start, end))
        r = rng.random()
        recent = add_months(today, -10)
        if r < 0.003:
            b.add("verification.opened", person_id=pid, unit_id=uid, on=_day(rng, recent, today))
        elif r < 0.005:
            b.add("case.opened", person_id=pid, unit_id=uid, on=_day(rng, recent, today))
        elif r < 0.012:
            opened = b.add(
                "handling.inquiry", person_id=pid, unit_id=uid, on=_day(rng, recent, today - timedelta(40))
            )
            b.add("handling.inquiry_answered", person_id=pid, unit_id=uid, on=opened.effective_on + timedelta(12),
                  closes=opened)  # fmt: skip
        elif r < 0.02:
            b.add("allegation.registered", person_id=pid, unit_id=uid, on=_day(rng, recent, today))


def _unit_history(b: _Builder, rng: random.Random, units: list[int]) -> None:
    since = add_months(b.today, -24)
    for uid in units:
        if rng.random() < 0.08:
            b.add("unit.clue", unit_id=uid, on=_day(rng, since, b.today))
        if rng.random() < 0.06:
            found = _day(rng, since, b.today - timedelta(days=60))
            b.add("unit.inspection_finding", unit_id=uid, on=found)
            if rng.random() < 0.6:
                b.add("unit.rectified", unit_id=uid, on=found + timedelta(days=45))


def _ending_in(b: _Builder, code: str, days: int) -> date:
    """The decision date whose influence ends exactly `days` from today."""
    target = b.today + timedelta(days=days)
    d = b.today
    while d > b.today - timedelta(days=1500):
        if b.influence(code, d).end == target:
            return d
        d -= timedelta(days=1)
    return b.today - timedelta(days=160)


def _prepared(b: _Builder, people: list[tuple[int, int, str, str]]) -> dict[str, str]:
    """Situations that show each warning rule and each opinion verdict (see the module docstring)."""
    today = b.today
    it = iter(people)
    shown: dict[str, str] = {}

    def take(label):
        pid, uid, name, unit = next(it)
        shown[label] = f"{name}（{unit}）"
        return pid, uid

    pid, uid = take("3个月前被诫勉（廉洁意见：有影响）")
    b.add("handling.admonishment", person_id=pid, unit_id=uid, on=add_months(today, -3))
    pid, uid = take("正在立案审查调查（意见：暂缓；预警：即将变黑）")
    b.add("case.opened", person_id=pid, unit_id=uid, on=today - timedelta(days=50))
    pid, uid = take("处分影响期20天后届满（预警：影响期即将届满）")
    b.add("gov.warning", person_id=pid, unit_id=uid, on=_ending_in(b, "gov.warning", 20))
    pid, uid = take("函询逾期未回复（预警：函询逾期；意见：暂缓）")
    b.add("handling.inquiry", person_id=pid, unit_id=uid, on=today - timedelta(days=60))
    pid, uid = take("今年被举报3次（预警：多次被举报）")
    for days in (200, 120, 30):
        b.add("allegation.registered", person_id=pid, unit_id=uid, on=today - timedelta(days=days))
    pid, uid = take("处分已撤销（意见：无影响）")
    first = b.add("party.warning", person_id=pid, unit_id=uid, on=add_months(today, -5))
    b.add("correction", person_id=pid, unit_id=uid, on=add_months(today, -2), supersedes=first, revokes=True,
          summary="经复查，原处分决定撤销")  # fmt: skip
    pid, uid = take("半年内两次黄点（预警：即将变黑）")
    b.add("handling.reminder_talk", person_id=pid, unit_id=uid, on=add_months(today, -5))
    b.add("handling.criticism", person_id=pid, unit_id=uid, on=add_months(today, -1))
    pid, uid = take("上年度考核基本称职（提拔意见：有影响）")
    earlier = next((e for e in b.rows if e.person_id == pid and e.period_year == today.year - 1), None)
    b.add("appraisal.basically_competent", person_id=pid, unit_id=uid, on=date(today.year, 2, 10),
          year=today.year - 1, summary=f"{today.year - 1}年度考核结果更正为基本称职", supersedes=earlier)  # fmt: skip
    pid, uid = take("审计局报送的外部信息（待审核）")
    b.add("external.audit_finding", person_id=pid, unit_id=uid, on=today - timedelta(days=10),
          summary="审计发现其分管领域违规发放补贴", review=ArchiveEntry.Review.PENDING)  # fmt: skip
    pid, uid = take("记录清白（意见：无影响）")
    _, unit_id = take("本季度新增多个黄点的单位（预警：单位问题集中）")
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    for i in range(3):
        b.add("unit.clue", unit_id=unit_id, on=min(today, quarter + timedelta(days=3 + i * 7)))
    shown["本季度新增多个黄点的单位（预警：单位问题集中）"] = Unit.objects.get(pk=unit_id).name
    return shown


def generate(*, seed: int = 20261124, today: date | None = None, scan: bool = True) -> Generated:
    """Generate and bulk-load the demo's archive (idempotent: does nothing if entries exist)."""
    out = Generated()
    if ArchiveEntry.objects.filter(source_app="demo").exists():
        return out
    today = today or timezone.localdate()
    rng = random.Random(seed)
    b = _Builder(today)
    cadres = list(Cadre.objects.filter(status="serving").order_by("id").values_list("id", "unit_id"))
    prepared_people = list(
        Cadre.objects.filter(status="serving", unit__code__startswith="QL-DH-")
        .order_by("-id")
        .values_list("id", "unit_id", "name", "unit__name")[:12]
    )
    prepared_ids = {p[0] for p in prepared_people}
    _people_history(b, rng, [(pid, uid) for pid, uid in cadres if pid not in prepared_ids])
    for pid, uid, *_ in prepared_people:  # appraisals only: their situation is the one prepared
        for year in APPRAISAL_YEARS:
            if date(year + 1, 1, 20) <= today:
                b.add("appraisal.competent", person_id=pid, unit_id=uid, on=date(year + 1, 1, 20), year=year,
                      summary=f"{year}年度考核")  # fmt: skip
    _unit_history(
        b, rng, list(Unit.objects.exclude(kind="jurisdiction").order_by("id").values_list("id", flat=True))
    )
    if len(prepared_people) >= 12:
        out.prepared = _prepared(b, prepared_people)
    with transaction.atomic():
        # Rows that others point at go first (supersedes/closes are foreign keys).
        for i in range(0, len(b.rows), BATCH):
            ArchiveEntry.objects.bulk_create(b.rows[i : i + BATCH], batch_size=BATCH)
        _reset_sequence()
    out.entries = len(b.rows)
    if scan:
        try:
            from qinglian.archive.scan import archive_scan
        except ImportError:  # the scan arrives with the grading and warnings module
            archive_scan = None
        if archive_scan is not None:
            archive_scan(today)
    return out


def _reset_sequence() -> None:
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ArchiveEntry]):
                cur.execute(sql)
