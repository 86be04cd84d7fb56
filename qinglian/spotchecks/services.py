"""Every write of the spot checks: atomic, audited.

Flow of one check: started (random draw, promotion candidate, complaint) → agencies asked
(`agency_request_create`) → returns imported (`agency_return_import`, all or nothing) → compared
(`check_compare`, a proposal item by item) → the cadre explains where anything differs
(`check_explain`, a to-do with a deadline) → a named reviewer decides (`check_decide`) → an
omission or a concealment goes to the archive through `entry_record`.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from collections import Counter
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.people.models import Cadre, Unit
from qinglian.rules.registry import param, params, spec_for
from qinglian.spotchecks import bridge, sampling
from qinglian.spotchecks.agencies import AGENCIES, parse_return, request_rows
from qinglian.spotchecks.compare import KIND_LABELS, Tolerances, compare, propose
from qinglian.spotchecks.models import (
    AgencyRequest,
    AgencyReturn,
    ComparedItem,
    RequestLine,
    ReturnedItem,
    SampleRound,
    SpotCheck,
)

Status, Result = SpotCheck.Status, SpotCheck.Result
OPEN_STATUSES = (Status.OPEN, Status.EXPLAINING, Status.EXPLAINED)
HANDLING = {
    "criticism": "批评教育",
    "self_examination": "责令作出检查",
    "correction": "限期更正",
    "admonishment": "诫勉",
    "no_promotion": "不得提拔使用、调整至重要岗位（影响期按规则计算）",
    "reserve_removed": "取消后备干部人选资格",
    "sanction": "移送依规依纪依法给予处分",
}
ALLOWED_HANDLING = {
    Result.CONSISTENT: set(),
    Result.OMISSION: {"criticism", "self_examination", "correction", "admonishment"},
    Result.CONCEALMENT: set(HANDLING),
}
ENTRY_KIND = {Result.OMISSION: "declaration.omission", Result.CONCEALMENT: "declaration.concealment"}


def _require(actor, capability: str, unit: Unit | None = None) -> None:
    if actor is None:
        return
    if not has_capability(actor, capability) or (
        unit is not None and not scope(actor, capability).contains(unit)
    ):
        raise PermissionDenied("您无权进行该操作，或该人员不在您的管理范围内")


def _locked(check: SpotCheck) -> SpotCheck:
    return SpotCheck.objects.select_for_update().select_related("cadre", "unit").get(pk=check.pk)


def tolerances(on: date | None = None) -> Tolerances:
    values = params("spotchecks.tolerances", as_of=on or timezone.localdate())
    return Tolerances(**{k: v.value for k, v in values.items() if k in Tolerances.__dataclass_fields__})


# --- the yearly random sample ---------------------------------------------------------------


def _population(scope_unit: Unit, on: date) -> list[tuple[int, int]]:
    """(cadre_id, unit_id) of the reporters in scope, fetched by the driver in one go (no ORM rows)."""
    from django.db import connection

    qs = bridge.reporters(on).filter(unit__path__startswith=scope_unit.path).values_list("id", "unit_id")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _insert_sample(rnd: SampleRound, cadre_ids: list[int], units: dict[int, int], actor, now) -> int:
    """One SpotCheck per sampled cadre; a cadre already under an open check keeps that one.
    PostgreSQL: one INSERT ... SELECT FROM unnest(arrays); elsewhere bulk_create."""
    from django.db import connection

    busy = set(SpotCheck.objects.filter(status__in=OPEN_STATUSES).values_list("cadre_id", flat=True))
    chosen = [cid for cid in cadre_ids if cid not in busy]
    reason = f"{rnd.year}年度个人有关事项报告随机抽查"
    if connection.vendor == "postgresql" and chosen:
        sql = (
            "INSERT INTO spotchecks_spotcheck (cadre_id, unit_id, kind, round_id, reason, source, status,"
            " declaration_ref, proposed, explanation, result, handling, decider_name, decision_note, change_reason,"
            " cancel_reason, created_by_id, created_at)"
            " SELECT c, u, %s, %s, %s, %s, %s, '', '', '', '', '[]'::jsonb, '', '', '', '', %s, %s"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS t(c, u)"
        )  # the table name is the model's, every value a parameter
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [SpotCheck.Kind.RANDOM, rnd.pk, reason, f"round:{rnd.pk}", Status.OPEN,
                 actor.pk if actor is not None else None, now, chosen, [units[c] for c in chosen]],
            )  # fmt: skip
        return len(chosen)
    rows = [
        SpotCheck(cadre_id=cid, unit_id=units[cid], kind=SpotCheck.Kind.RANDOM, round=rnd, reason=reason,
                  source=f"round:{rnd.pk}", created_by=actor, created_at=now)
        for cid in chosen
    ]  # fmt: skip
    SpotCheck.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


@transaction.atomic
def round_draw(*, actor, year: int, scope_unit: Unit, on: date | None = None, reason: str = "",
               replaces: SampleRound | None = None, request=None) -> SampleRound:  # fmt: skip
    """Record a fresh seed (audited first), then draw the list from it and start the checks."""
    _require(actor, "declarations.check", scope_unit)
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year + 1:
        raise ValidationError({"year": "抽查年度无效"})
    if (
        replaces is None
        and SampleRound.objects.filter(
            year=year, scope_unit=scope_unit, status=SampleRound.Status.DRAWN
        ).exists()
    ):
        raise ValidationError(
            {"year": f"{year}年度已在该范围抽取过；如需重新抽取，请在该批次页面写明理由后重新抽取"}
        )
    on = on or today
    ratio = param("declarations.spot_check.ratio", "ratio", as_of=on)
    now = timezone.now()
    rnd = SampleRound.objects.create(
        year=year, scope_unit=scope_unit, ratio=ratio.value, ratio_basis=ratio.basis, seed=sampling.new_seed(),
        seeded_at=now, drawn_by=actor, drawn_at=now, replaces=replaces, redraw_reason=reason,
    )  # fmt: skip
    # The seed is on record (and in the audit chain) before any list exists.
    audit_record(actor=actor, action="spotchecks.seed", obj=rnd, unit_id=scope_unit.pk, reason=reason,
                 request=request, extra={"seed": rnd.seed, "year": year, "ratio": str(rnd.ratio),
                                         "replaces": replaces.pk if replaces else None})  # fmt: skip
    population = _population(scope_unit, on)
    result = sampling.draw(rnd.seed, population, rnd.ratio)
    created = _insert_sample(rnd, result.cadre_ids, dict(population), actor, now)
    SampleRound.objects.filter(pk=rnd.pk).update(
        population=result.population, population_digest=result.population_digest,
        sample_size=len(result.cadre_ids), sample_digest=result.sample_digest, strata=result.strata,
    )  # fmt: skip
    rnd.refresh_from_db()
    audit_record(actor=actor, action="spotchecks.draw", obj=rnd, unit_id=scope_unit.pk, request=request,
                 extra={"population": result.population, "sample": len(result.cadre_ids), "checks_created": created,
                        "strata": result.strata, "sample_digest": result.sample_digest})  # fmt: skip
    return rnd


@transaction.atomic
def round_redraw(*, actor, round: SampleRound, reason: str, request=None) -> SampleRound:
    """A new draw with a new seed, for a stated reason; the old round's untouched checks are cancelled."""
    old = SampleRound.objects.select_for_update().select_related("scope_unit").get(pk=round.pk)
    _require(actor, "declarations.decide", old.scope_unit)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "重新抽取必须写明理由（不少于4个字）"})
    if old.status != SampleRound.Status.DRAWN:
        raise ValidationError({"reason": "该批次已被重新抽取"})
    if (
        RequestLine.objects.filter(spot_check__round=old).exists()
        or old.checks.exclude(status=Status.OPEN).exists()
    ):
        raise ValidationError({"reason": "该批次已发出查询或已有核查进展，不能重新抽取"})
    now = timezone.now()
    old.checks.filter(status=Status.OPEN).update(status=Status.CANCELLED, cancel_reason=f"重新抽取：{reason}")
    SampleRound.objects.filter(pk=old.pk).update(status=SampleRound.Status.SUPERSEDED)
    audit_record(actor=actor, action="spotchecks.redraw", obj=old, unit_id=old.scope_unit_id, reason=reason,
                 request=request, extra={"old_seed": old.seed, "at": now.isoformat()})  # fmt: skip
    return round_draw(actor=actor, year=old.year, scope_unit=old.scope_unit, reason=reason, replaces=old,
                      request=request)  # fmt: skip


def round_recompute(rnd: SampleRound, population: list[tuple[int, int]] | None = None) -> sampling.Draw:
    """The list the round's seed gives (for the population as of now unless given)."""
    if population is None:
        population = _population(rnd.scope_unit, timezone.localdate())
    return sampling.draw(rnd.seed, population, rnd.ratio)


# --- targeted checks ------------------------------------------------------------------------


def _kind_for(source: str) -> str:
    head = (source or "").split(":", 1)[0]
    if head in ("appointments", "opinion", "promotion"):
        return SpotCheck.Kind.PROMOTION
    if head in ("intake", "complaint", "clue", "report"):
        return SpotCheck.Kind.COMPLAINT
    return SpotCheck.Kind.OTHER


@transaction.atomic
def targeted_check_request(*, actor, cadre, reason: str, source: str, request=None) -> SpotCheck:
    """Start a targeted check of `cadre` (promotion candidate, named in a complaint...).

    Idempotent: while the cadre has an open check, that check is returned (and the new reason is
    noted in the audit log) instead of a second one."""
    cadre = Cadre.objects.select_for_update().select_related("unit").get(pk=cadre.pk)
    _require(actor, "declarations.check", cadre.unit)
    reason, source = (reason or "").strip(), (source or "").strip()[:100]
    if not reason:
        raise ValidationError({"reason": "请写明核查事由"})
    existing = SpotCheck.objects.filter(cadre=cadre, status__in=OPEN_STATUSES).first()
    if existing is not None:
        audit_record(actor=actor, action="spotchecks.targeted_joined", obj=existing, person_id=cadre.pk,
                     unit_id=cadre.unit_id, reason=reason[:500], request=request, extra={"source": source})  # fmt: skip
        return existing
    check = SpotCheck.objects.create(
        cadre=cadre, unit=cadre.unit, kind=_kind_for(source), reason=reason[:500], source=source,
        created_by=actor if actor is not None and actor.is_authenticated else None, created_at=timezone.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="spotchecks.targeted", obj=check, person_id=cadre.pk, unit_id=cadre.unit_id,
                 reason=reason[:500], request=request, extra={"source": source, "kind": check.kind})  # fmt: skip
    return check


@transaction.atomic
def targeted_checks_from_opinion(*, actor, opinion_request, request=None) -> list[SpotCheck]:
    """凡提必核: a check for every found candidate of a promotion opinion request."""
    from qinglian.archive.opinions import PURPOSE_RESTRICTION

    if PURPOSE_RESTRICTION.get(opinion_request.purpose) not in ("promotion", "heavier_use", "reserve"):
        raise ValidationError({"opinion": "只有提拔、重用或列入后备干部的廉洁意见需要核查个人有关事项"})
    out = []
    cadres = Cadre.objects.filter(pk__in=opinion_request.candidates.exclude(cadre=None).values("cadre_id"))
    for cadre in cadres.select_related("unit"):
        if not scope(actor, "declarations.check").contains(cadre.unit):
            continue
        out.append(targeted_check_request(actor=actor, cadre=cadre, reason=f"拟提拔人选（{opinion_request.title}）",
                                          source=f"opinion:{opinion_request.pk}", request=request))  # fmt: skip
    return out


@transaction.atomic
def check_cancel(*, actor, check: SpotCheck, reason: str, request=None) -> SpotCheck:
    check = _locked(check)
    _require(actor, "declarations.decide", check.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明撤销理由"})
    if not check.is_open:
        raise ValidationError({"reason": "该核查已认定或已撤销"})
    check.status, check.cancel_reason = Status.CANCELLED, reason[:500]
    check.save(update_fields=["status", "cancel_reason"])
    from qinglian.workitems.selectors import open_items_for
    from qinglian.workitems.services import workitem_cancel

    for item in open_items_for(check):
        workitem_cancel(actor=actor, item=item, reason=f"核查已撤销：{reason}", request=request)
    audit_record(actor=actor, action="spotchecks.cancel", obj=check, person_id=check.cadre_id, unit_id=check.unit_id,
                 reason=reason, request=request)  # fmt: skip
    return check


# --- agency packages and returns ------------------------------------------------------------


def _password() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def encrypt_xlsx(data: bytes, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _next_number(year: int) -> str:
    n = AgencyRequest.objects.filter(number__startswith=f"核查函〔{year}〕").count() + 1
    return f"核查函〔{year}〕{n:04d}号"


@transaction.atomic
def agency_request_create(*, actor, agency: str, checks, reason: str, issuing_unit: Unit,
                          request=None) -> tuple[AgencyRequest, str]:  # fmt: skip
    """An encrypted package for one agency: only that agency's columns, the stated reason. Returns
    the request and the password (shown once, never stored)."""
    _require(actor, "declarations.check", issuing_unit)
    if agency not in AGENCIES:
        raise ValidationError({"agency": "请选择查询机构"})
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": "请写明查询事由（不少于4个字）"})
    checks = list(SpotCheck.objects.filter(pk__in=[c.pk for c in checks]).select_related("cadre", "unit"))
    if not checks:
        raise ValidationError({"checks": "请至少选择一名核查对象"})
    bad = [c for c in checks if c.status not in (Status.OPEN, Status.EXPLAINING) or not scope(
        actor, "declarations.check").contains(c.unit)]  # fmt: skip
    if bad:
        raise ValidationError(
            {"checks": "以下核查不在办理中或不在您的范围内：" + "、".join(c.cadre.name for c in bad)}
        )
    now = timezone.now()
    req = AgencyRequest.objects.create(agency=agency, number=_next_number(now.year), reason=reason[:500],
                                       issuing_unit=issuing_unit, created_by=actor, created_at=now)  # fmt: skip
    lines = [
        RequestLine(request=req, spot_check=c, code=f"{req.pk:05d}-{i:04d}") for i, c in enumerate(checks, 1)
    ]
    RequestLine.objects.bulk_create(lines)
    plain = request_rows(req, lines)
    password = _password()
    data = encrypt_xlsx(plain, password)
    req.sha256 = hashlib.sha256(data).hexdigest()
    req.file.save(f"request-{req.pk}.xlsx", ContentFile(data), save=False)
    req.save(update_fields=["sha256", "file"])
    audit_record(actor=actor, action="spotchecks.request", obj=req, unit_id=issuing_unit.pk, reason=reason,
                 request=request, extra={"agency": agency, "checks": [c.pk for c in checks],
                                         "person_ids": [c.cadre_id for c in checks], "sha256": req.sha256})  # fmt: skip
    return req, password


@transaction.atomic
def agency_return_import(*, actor, agency_request: AgencyRequest, data: bytes, filename: str,
                         request=None) -> AgencyReturn:  # fmt: skip
    """Import an agency's return: every row checked against the request; one bad row refuses the
    whole file (ReturnRefused, with every problem); then the checks in it are compared."""
    req = AgencyRequest.objects.select_for_update().get(pk=agency_request.pk)
    _require(actor, "declarations.check", req.issuing_unit)
    lines = {ln.code: ln for ln in req.lines.select_related("spot_check__cadre")}
    items = parse_return(req.agency, data, lines)  # raises ReturnRefused
    now = timezone.now()
    ret = AgencyReturn.objects.create(request=req, filename=(filename or "")[:255],
                                      sha256=hashlib.sha256(data).hexdigest(), rows=len(items),
                                      imported_by=actor, imported_at=now)  # fmt: skip
    ReturnedItem.objects.bulk_create(
        [
            ReturnedItem(
                agency_return=ret,
                spot_check_id=check_id,
                kind=it.kind,
                key=it.key,
                values=it.values,
                label=it.label,
                row=row,
            )
            for check_id, row, it in items
        ]  # fmt: skip
    )
    req.returned_at = now
    req.save(update_fields=["returned_at"])
    audit_record(actor=actor, action="spotchecks.return_import", obj=req, unit_id=req.issuing_unit_id,
                 request=request, extra={"rows": len(items), "sha256": ret.sha256, "filename": ret.filename})  # fmt: skip
    touched = SpotCheck.objects.filter(
        pk__in={ln.spot_check_id for ln in lines.values()}, status__in=(Status.OPEN, Status.EXPLAINING)
    )
    checks_compare(actor=actor, checks=list(touched), request=request)
    return ret


# --- comparison -----------------------------------------------------------------------------


def _covered_kinds(check_ids) -> dict[int, set[str]]:
    """check id -> the kinds of the agencies that have answered about it."""
    out: dict[int, set[str]] = {}
    rows = RequestLine.objects.filter(
        spot_check_id__in=check_ids, request__returned_at__isnull=False
    ).values_list("spot_check_id", "request__agency")
    for check_id, agency in rows:
        out.setdefault(check_id, set()).update(AGENCIES[agency].kinds)
    return out


def _ask_explanation(actor, check: SpotCheck, request) -> None:
    from qinglian.workitems.services import workitem_create

    days = param("spotchecks.explanation", "working_days", as_of=timezone.localdate()).value
    user = check.cadre.user if check.cadre.user_id else None
    item = workitem_create(
        actor=actor, subject=check, kind="spotchecks.explain",
        title=f"个人有关事项报告核查：请就比对不一致的事项作出说明（{check.cadre.name}）",
        assignee_user=user, assignee_unit=None if user else check.unit, due_working_days=days, request=request,
    )  # fmt: skip
    check.explain_due = item.due_date
    SpotCheck.objects.filter(pk=check.pk).update(explain_due=item.due_date)


def compare_many(checks: list[SpotCheck], *, tol: Tolerances | None = None) -> dict[int, list]:
    """Compare and classify many checks in a fixed number of queries (set-based reads, one hash
    join per check in memory, bulk writes). Returns check id -> lines. No permission check, no
    audit, no to-dos: the callers below do those."""
    if not checks:
        return {}
    tol = tol or tolerances()
    ids = [c.pk for c in checks]
    versions = bridge.latest_submitted_many(c.cadre_id for c in checks)
    returned: dict[int, list] = {}
    for item in ReturnedItem.objects.filter(spot_check_id__in=ids).order_by("id"):
        returned.setdefault(item.spot_check_id, []).append(item)
    covered = _covered_kinds(ids)
    rule = spec_for("spotchecks.classification")
    basis = rule.citation.text if rule else ""
    now = timezone.now()
    out, rows = {}, []
    for check in checks:
        version = versions.get(check.cadre_id)
        lines = compare(bridge.declared_items(version), returned.get(check.pk, []), kinds=covered.get(check.pk, set()),
                        tol=tol)  # fmt: skip
        out[check.pk] = lines
        check.proposed = propose(lines)
        check.declaration_ref, check.compared_at = bridge.version_ref(version), now
        rows.extend(
            ComparedItem(spot_check_id=check.pk, kind=ln.kind, declared=ln.declared, returned=ln.returned,
                         outcome=ln.outcome, explanation=ln.explanation[:500], rule=basis)
            for ln in lines
        )  # fmt: skip
    ComparedItem.objects.filter(spot_check_id__in=ids).delete()
    _store(rows, checks, now)
    return out


def _store(rows: list[ComparedItem], checks: list[SpotCheck], now) -> None:
    """PostgreSQL: COPY the lines and one UPDATE ... FROM unnest for the checks (Django's bulk_create
    and bulk_update spend most of their time building parameters); elsewhere the ORM."""
    import json

    from django.db import connection

    if connection.vendor != "postgresql":
        ComparedItem.objects.bulk_create(rows, batch_size=5000)
        SpotCheck.objects.bulk_update(checks, ["proposed", "declaration_ref", "compared_at"], batch_size=2000)
        return
    dumps = lambda v: None if v is None else json.dumps(v, ensure_ascii=False)  # noqa: E731
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY spotchecks_compareditem (spot_check_id, kind, declared, returned, outcome, explanation, rule)"
            " FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row((r.spot_check_id, r.kind, dumps(r.declared), dumps(r.returned), r.outcome,
                                r.explanation, r.rule))  # fmt: skip
        cursor.execute(
            "UPDATE spotchecks_spotcheck AS s SET proposed = v.p, declaration_ref = v.ref, compared_at = %s"
            " FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, p, ref) WHERE s.id = v.id",
            [now, [c.pk for c in checks], [c.proposed for c in checks], [c.declaration_ref for c in checks]],
        )


@transaction.atomic
def checks_compare(*, actor, checks, request=None, tol: Tolerances | None = None) -> list[SpotCheck]:
    """Compare the cadres' latest submitted reports with the returns; where anything differs, ask
    the cadre to explain (a to-do with a deadline). One audit event per check."""
    ids = [c.pk for c in checks]
    locked = list(
        SpotCheck.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("cadre", "unit")
        .order_by("pk")
    )  # fmt: skip
    for check in locked:
        _require(actor, "declarations.check", check.unit)
        if check.status not in (Status.OPEN, Status.EXPLAINING):
            raise ValidationError({"check": f"{check.cadre.name}的核查已进入认定阶段，不能重新比对"})
    results = compare_many(locked, tol=tol)
    for check in locked:
        if check.proposed != Result.CONSISTENT and check.status == Status.OPEN:
            check.status = Status.EXPLAINING
            SpotCheck.objects.filter(pk=check.pk).update(status=Status.EXPLAINING)
            _ask_explanation(actor, check, request)
        counts = Counter(ln.outcome for ln in results[check.pk])
        audit_record(actor=actor, action="spotchecks.compare", obj=check, person_id=check.cadre_id,
                     unit_id=check.unit_id, request=request, extra={"proposed": check.proposed, "counts": dict(counts),
                                                                    "declaration": check.declaration_ref})  # fmt: skip
    return locked


def check_compare(*, actor, check: SpotCheck, request=None, tol: Tolerances | None = None) -> SpotCheck:
    return checks_compare(actor=actor, checks=[check], request=request, tol=tol)[0]


# --- the cadre's explanation and the decision -----------------------------------------------


@transaction.atomic
def check_explain(*, actor, check: SpotCheck, text: str, request=None) -> SpotCheck:
    check = _locked(check)
    if actor is None or check.cadre.user_id != actor.pk or not has_capability(actor, "declarations.own"):
        raise PermissionDenied("只有本人可以作出说明")
    if check.status not in (Status.EXPLAINING, Status.EXPLAINED):
        raise ValidationError({"text": "该核查当前不需要说明"})
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError({"text": "请写明说明内容（不少于5个字）"})
    if len(text) > 5000:
        raise ValidationError({"text": "说明过长（不超过5000个字）"})
    check.explanation, check.explained_at, check.status = text, timezone.now(), Status.EXPLAINED
    check.save(update_fields=["explanation", "explained_at", "status"])
    from qinglian.workitems.services import workitems_complete_for_subject

    workitems_complete_for_subject(actor=actor, subject=check, kind="spotchecks.explain", note="本人已说明",
                                   request=request)  # fmt: skip
    audit_record(actor=actor, action="spotchecks.explain", obj=check, person_id=check.cadre_id,
                 unit_id=check.unit_id, request=request)  # fmt: skip
    return check


def _summary(check: SpotCheck, result: str, handling: list[str]) -> str:
    """Names the items (kinds and counts, no declaration details) and the rule."""
    adverse = Counter(
        (i.kind, i.outcome)
        for i in check.compared_items.all()
        if i.outcome in (Result.OMISSION, Result.CONCEALMENT)
    )
    words = {Result.OMISSION: "漏报", Result.CONCEALMENT: "瞒报"}
    items = (
        "；".join(f"{KIND_LABELS.get(k, k)}{words[o]}{n}项" for (k, o), n in sorted(adverse.items()))
        or "见核查记录"
    )
    rule = spec_for("spotchecks.classification")
    text = (f"个人有关事项报告{check.get_kind_display()}（核查编号{check.pk}），认定{words[result]}：{items}。"
            f"处理：{'、'.join(HANDLING[h] for h in handling)}。依据：{rule.citation.text if rule else ''}")  # fmt: skip
    return text


@transaction.atomic
def check_decide(*, actor, check: SpotCheck, result: str, handling: list[str], decider_name: str,
                 note: str = "", change_reason: str = "", request=None) -> SpotCheck:  # fmt: skip
    """A named reviewer confirms the result and its handling. Nothing adverse before the cadre has
    explained (or let the deadline pass)."""
    check = _locked(check)
    _require(actor, "declarations.decide", check.unit)
    errors = {}
    if check.status not in OPEN_STATUSES:
        raise ValidationError({"result": "该核查已认定或已撤销"})
    if check.compared_at is None:
        raise ValidationError({"result": "尚未比对，不能认定"})
    if result not in Result.values:
        raise ValidationError({"result": "请选择认定结果"})
    decider_name = (decider_name or "").strip()
    if not decider_name:
        errors["decider_name"] = "请填写认定人姓名"
    handling = list(dict.fromkeys(handling or []))
    unknown = [h for h in handling if h not in HANDLING]
    not_allowed = [h for h in handling if h in HANDLING and h not in ALLOWED_HANDLING[result]]
    if unknown:
        errors["handling"] = "无法识别的处理方式"
    elif not_allowed:
        errors["handling"] = f"“{Result(result).label}”不适用：" + "、".join(
            HANDLING[h] for h in not_allowed)  # fmt: skip
    elif result != Result.CONSISTENT and not handling:
        errors["handling"] = "请选择处理方式"
    today = timezone.localdate()
    if (
        result != Result.CONSISTENT
        and check.status == Status.EXPLAINING
        and (check.explain_due is None or check.explain_due >= today)
    ):
        errors["result"] = "须先听取本人说明：本人尚未说明，且说明期限未届满"
    if result == Result.CONSISTENT and check.status == Status.OPEN and check.proposed != Result.CONSISTENT:
        errors["result"] = "比对发现不一致，须先听取本人说明"
    change_reason = (change_reason or "").strip()
    if check.proposed and result != check.proposed and not change_reason:
        errors["change_reason"] = "认定结果与系统建议不同，请写明理由"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    check.result, check.handling, check.decider_name = result, handling, decider_name
    check.decision_note, check.change_reason = (note or "").strip()[:1000], change_reason[:500]
    check.decided_by, check.decided_at, check.status = actor, now, Status.DECIDED
    if result in ENTRY_KIND:
        from qinglian.archive.services import entry_record

        check.entry = entry_record(
            actor=actor, kind=ENTRY_KIND[result], person=check.cadre, unit=check.cadre.unit, occurred_on=today,
            summary=_summary(check, result, handling), decided_by=decider_name, source_app="spotchecks",
            source_type="spotcheck", source_id=str(check.pk), request=request,
        )  # fmt: skip
    check.save()
    from qinglian.workitems.services import workitems_complete_for_subject

    workitems_complete_for_subject(actor=actor, subject=check, note="已认定", request=request)
    audit_record(actor=actor, action="spotchecks.decide", obj=check, person_id=check.cadre_id, unit_id=check.unit_id,
                 reason=change_reason, request=request, extra={"result": result, "handling": handling,
                 "proposed": check.proposed, "decider": decider_name, "entry": check.entry_id})  # fmt: skip
    return check
