"""Writes of the matching app: runs, reviewers' link decisions, the life of a hit.

A run (`run_execute`) loads the frames, calls the linkage engine and the rules, writes its own
links and hits, and only then — in one transaction — creates the new hits as warnings (with their
to-dos), refreshes the evidence of the ones found again, and switches the current-run pointer. A
run that fails before that leaves the previous results as they were.
"""

from __future__ import annotations

import logging
import time
import traceback
from datetime import date, datetime, timedelta
from types import ModuleType

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.matching import load
from qinglian.matching import rules as R
from qinglian.matching.models import Hit, LinkDecision, MatchingState, MatchRun, PersonLink, RunHit
from qinglian.people.models import Cadre, Relative
from qinglian.rules.registry import spec_for

log = logging.getLogger("qinglian.matching")
WORKITEM_KIND = "matching.hit"
WORKITEM_DAYS = 15
ENTRY_KIND = {"offence": "external.traffic_offence", "judgment": "external.court_judgment"}


# --- runs ---------------------------------------------------------------------------------------


def current_run() -> MatchRun | None:
    state = MatchingState.objects.select_related("current_run").filter(pk=1).first()
    return state.current_run if state else None


@transaction.atomic
def run_request(*, actor, kind: str = MatchRun.Kind.FULL, request=None, enqueue: bool = True) -> MatchRun:
    """Queue a run (matching.manage); the task worker executes it."""
    if actor is not None and not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您无权发起比对")
    if kind not in MatchRun.Kind.values:
        raise ValidationError({"kind": "比对类型无效"})
    run_fail_abandoned()
    if MatchRun.objects.filter(status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]).exists():
        raise ValidationError({"kind": "已有比对正在排队或运行，请等待其结束"})
    run = MatchRun.objects.create(kind=kind, created_by=actor, created_at=timezone.now())
    audit_record(actor=actor, action="matching.run_request", obj=run, request=request, extra={"kind": kind})
    if enqueue:
        from qinglian.matching.tasks import execute_run

        transaction.on_commit(lambda: execute_run.enqueue(run.pk))
    return run


ABANDONED_AFTER = timedelta(hours=6)  # a whole run at province scale takes well under an hour


def run_fail_abandoned(now=None) -> int:
    """Runs queued or running for longer than ABANDONED_AFTER lost their worker (killed, machine
    restarted): mark them failed and drop their partial rows, so that they do not block every
    later run. The current results stay as they were. Returns how many."""
    now = now or timezone.now()
    stale = list(MatchRun.objects.filter(
        Q(status=MatchRun.Status.RUNNING, started_at__lt=now - ABANDONED_AFTER)
        | Q(status=MatchRun.Status.QUEUED, created_at__lt=now - ABANDONED_AFTER)
    ))  # fmt: skip
    for run in stale:
        PersonLink.objects.filter(run=run).delete()
        RunHit.objects.filter(run=run).delete()
        run.status, run.finished_at = MatchRun.Status.FAILED, now
        run.error = f"运行中断：超过{int(ABANDONED_AFTER.total_seconds() // 3600)}小时未结束（工作进程可能已退出），之前的比对结果保持不变"
        run.save(update_fields=["status", "finished_at", "error"])
        audit_record(actor=None, action="matching.run_fail", obj=run, reason="abandoned")
    return len(stale)


def _progress(run: MatchRun, pct: int, stage: str) -> None:
    run.progress, run.stage = pct, stage
    MatchRun.objects.filter(pk=run.pk).update(progress=pct, stage=stage)


def _engine() -> ModuleType:
    from qinglian.matching import linkage

    return linkage


def _decisions_frame() -> pl.DataFrame:
    rows = [
        (load.left_id(s, sid), rid, "confirmed" if d == LinkDecision.Decision.CONFIRM else "rejected")
        for s, sid, rid, d in LinkDecision.objects.values_list("subject", "subject_id", "registry_person_id", "decision")
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=[("left_id", pl.Int64), ("right_id", pl.Int64), ("decision", pl.Utf8)],
                        orient="row")  # fmt: skip


def _links_frame(out: pl.DataFrame, relatives: pl.DataFrame) -> pl.DataFrame:
    """The engine's output as the rules' `links` frame (subject, cadre, relative, relation)."""
    base = out.select(
        pl.when(pl.col("left_id") % 2 == 1).then(pl.lit("relative")).otherwise(pl.lit("cadre")).alias("subject"),
        (pl.col("left_id") // 2).alias("pk"), pl.col("right_id").alias("registry_person_id"), "score", "method",
        "evidence", "band",
    )  # fmt: skip
    rel = relatives.select(
        pl.col("relative_id").alias("pk"), pl.col("cadre_id").alias("rel_cadre"), "relation"
    )
    joined = base.join(rel, on="pk", how="left").with_columns(
        pl.when(pl.col("subject") == "relative").then(pl.col("rel_cadre")).otherwise(pl.col("pk")).alias("cadre_id"),
        pl.when(pl.col("subject") == "relative").then(pl.col("pk")).otherwise(None).alias("relative_id"),
        pl.when(pl.col("subject") == "relative").then(pl.col("relation")).otherwise(pl.lit("self")).alias("relation"),
    )  # fmt: skip
    return R.conform("links", joined.filter(pl.col("cadre_id").is_not_null()))


def _link_params(params: dict) -> dict:
    p = params[R.LINKS]
    return {"threshold": float(p["threshold"]), "review_floor": float(p["review_floor"])}


# The kept model (u, m, prior) is refitted at least this often even when nothing forces it: the
# cadres and relatives it was estimated on drift as people are added.
MODEL_MAX_AGE = timedelta(days=7)


def _why_full(base: MatchRun | None, inputs: dict, link_params: dict, n_right: int) -> str:
    """Why an incremental run must link everyone again ("" when it need not). Only the linkage is
    incremental: it depends on the registry snapshots, the link thresholds and the kept model;
    the rules always run over the whole link set (they depend on the day, the tables and the unit
    tree), so those need no full linkage."""
    if base is None:
        return "尚无可作基准的比对结果"
    if not base.params.get("reference"):
        return f"基准运行 {base.pk} 未保存统计模型"
    if (
        base.inputs.get("snapshots") != inputs["snapshots"]
        or base.params["reference"].get("n_right") != n_right
    ):
        return "外部数据快照已变化"
    if base.params.get("link_params") != link_params:
        return "关联阈值已变化"
    fitted = base.params.get("model_fitted_at")
    if not fitted or timezone.now() - datetime.fromisoformat(fitted) > MODEL_MAX_AGE:
        return f"统计模型已使用超过{MODEL_MAX_AGE.days}天，重新估计"
    return ""


def _affected(base: MatchRun) -> set[int]:
    """Cadres whose own rows, relatives or link decisions changed since `base` started: only they
    are linked again, with the kept model; the others' links are copied from `base` (scoring is
    pair-local under a fixed model, so they are what a full linkage would give). A relative or
    cadre deleted since took its links with it (cascade)."""
    since = base.started_at
    cadres = set(Cadre.objects.filter(updated_at__gt=since).values_list("pk", flat=True))
    cadres |= set(Relative.objects.filter(updated_at__gt=since).values_list("cadre_id", flat=True))
    cadres |= set(LinkDecision.objects.filter(decided_at__gt=since).values_list("cadre_id", flat=True))
    return cadres


def _base_links(base: MatchRun, exclude: set[int]) -> pl.DataFrame:
    rows = (
        PersonLink.objects.filter(run=base).exclude(cadre_id__in=sorted(exclude))
        .exclude(status=PersonLink.Status.REJECTED)
        .values_list("subject", "cadre_id", "relative_id", "registry_person_id", "score", "method", "evidence", "status")
    )  # fmt: skip
    band = {PersonLink.Status.UNCERTAIN: "review"}
    frame = pl.DataFrame(
        [(s, c, r, p, sc, m, e, band.get(st, "link")) for s, c, r, p, sc, m, e, st in rows.iterator(chunk_size=20_000)],
        schema=[("subject", pl.Utf8), ("cadre_id", pl.Int64), ("relative_id", pl.Int64),
                ("registry_person_id", pl.Int64), ("score", pl.Float64), ("method", pl.Utf8), ("evidence", pl.Utf8),
                ("band", pl.Utf8)], orient="row",
    )  # fmt: skip
    return frame


def run_execute(
    run: MatchRun, *, engine: ModuleType | None = None, as_of: date | None = None, model: dict | None = None
) -> MatchRun:
    """Execute a queued run. `engine` defaults to `qinglian.matching.linkage` (tests may pass a
    module with the same interface).

    A full run fits the linkage model (u, m by EM, the prior) on all cadres, relatives and
    registry persons and keeps it in `params["reference"]`; an incremental run links only the
    cadres changed since the current run, with that kept model, and copies the others' links.
    Incremental therefore equals a full linkage under the same model (`model` gives a full run
    that kept model instead of fitting one: the test compares the two). Rules always run in full."""
    engine = engine or _engine()
    as_of = as_of or timezone.localdate()
    timing: dict[str, float] = {}
    t0 = time.perf_counter()
    run.status, run.started_at = MatchRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        params = R.rule_params(as_of)
        lp = _link_params(params)
        base = current_run() if run.kind == MatchRun.Kind.INCREMENTAL else None
        frames = R.Frames()
        _progress(run, 5, "读取干部、亲属和外部数据")
        t = time.perf_counter()
        load.platform_frames(frames)
        right, inputs = load.registry_frames(frames)
        inputs["tables"] = load.tables_digest(frames)
        why_full = _why_full(base, inputs, lp, right.height) if run.kind == MatchRun.Kind.INCREMENTAL else ""
        incremental = run.kind == MatchRun.Kind.INCREMENTAL and not why_full
        affected = _affected(base) if incremental else None
        left = load.left_frame(cadre_ids=affected)
        timing["load"] = round(time.perf_counter() - t, 3)
        _progress(run, 25, "人员关联（linkage）")
        t = time.perf_counter()
        eparams = engine.Params(threshold=lp["threshold"], review_floor=lp["review_floor"])
        kept = base.params["reference"] if incremental else model
        if kept is not None:
            out = engine.link(left, right, eparams, _decisions_frame(), engine.reference_load(kept))
            reference = kept
        else:
            out, fitted = engine.link_fitted(left, right, eparams, _decisions_frame())
            reference = engine.reference_dump(fitted)
        links = _links_frame(out, frames["relatives"])
        if incremental:
            links = pl.concat([R.conform("links", _base_links(base, affected).with_columns(
                pl.lit(None, dtype=pl.Utf8).alias("relation"))), links])  # fmt: skip
            links = _restore_relations(links, frames["relatives"])
        frames["links"] = links
        timing["linkage"] = round(time.perf_counter() - t, 3)
        _progress(run, 60, "规则比对")
        t = time.perf_counter()
        hits = R.apply_rules(frames, params, as_of)
        timing["rules"] = round(time.perf_counter() - t, 3)
        _progress(run, 75, "写入关联和命中")
        t = time.perf_counter()
        n_links = _write_links(run, links, frames)
        _write_hits(run, hits)
        timing["write"] = round(time.perf_counter() - t, 3)
        run.inputs = {**inputs, "incremental": incremental, "affected_cadres": len(affected) if incremental else None,
                      "base_run": base.pk if base else None, "full_reason": why_full}  # fmt: skip
        run.params = {"as_of": as_of.isoformat(), "rules": _jsonable(params), "link_params": lp,
                      "reference": reference, "model_from": "base" if incremental else ("given" if model else "fitted"),
                      "model_fitted_at": base.params["model_fitted_at"] if incremental else run.started_at.isoformat()}  # fmt: skip
        run.counts = {"left": left.height, "right": right.height, "links": n_links,
                      "usable_links": int(links.filter(pl.col("band") == "link").height),
                      "review_links": int(links.filter(pl.col("band") == "review").height),
                      "hits": hits.height,
                      "by_rule": {k: int(v) for k, v in hits.group_by("rule").len().iter_rows()}}  # fmt: skip
        _progress(run, 90, "切换为当前结果")
        t = time.perf_counter()
        created = _switch(run, hits, params, as_of)
        timing["switch"] = round(time.perf_counter() - t, 3)
        run.counts["new_hits"] = created
        timing["total"] = round(time.perf_counter() - t0, 3)
        run.timing = timing
        run.status, run.progress, run.stage, run.finished_at = (
            MatchRun.Status.SUCCEEDED,
            100,
            "完成",
            timezone.now(),
        )
        run.save(
            update_fields=[
                "inputs",
                "params",
                "counts",
                "timing",
                "status",
                "progress",
                "stage",
                "finished_at",
            ]
        )
        return run
    except Exception as exc:
        log.exception("matching run %s failed", run.pk)
        PersonLink.objects.filter(run=run).delete()
        RunHit.objects.filter(run=run).delete()
        run.status, run.finished_at = MatchRun.Status.FAILED, timezone.now()
        run.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}"[:5000]
        run.timing = {**timing, "total": round(time.perf_counter() - t0, 3)}
        run.save(update_fields=["status", "finished_at", "error", "timing"])
        audit_record(actor=None, action="matching.run_fail", obj=run, reason=str(exc)[:255])
        return run


def _restore_relations(links: pl.DataFrame, relatives: pl.DataFrame) -> pl.DataFrame:
    rel = relatives.select("relative_id", pl.col("relation").alias("_rel"))
    return R.conform("links", links.join(rel, on="relative_id", how="left").with_columns(
        pl.when(pl.col("subject") == "cadre").then(pl.lit("self")).otherwise(pl.coalesce("relation", "_rel"))
        .alias("relation")))  # fmt: skip


def _jsonable(params: dict) -> dict:
    return {code: {k: (v if isinstance(v, (int, float, str, bool)) else str(v)) for k, v in p.items()}
            for code, p in params.items()}  # fmt: skip


def _write_links(run: MatchRun, links: pl.DataFrame, frames: R.Frames) -> int:
    units = frames["cadres"].select("cadre_id", "unit_id")
    rows = links.join(units, on="cadre_id", how="inner")
    decided = {
        (s, sid, rid): d
        for s, sid, rid, d in LinkDecision.objects.values_list("subject", "subject_id", "registry_person_id", "decision")
    }  # fmt: skip
    objs = []
    for r in rows.iter_rows(named=True):
        sid = r["relative_id"] if r["subject"] == "relative" else r["cadre_id"]
        d = decided.get((r["subject"], sid, r["registry_person_id"]))
        if d == LinkDecision.Decision.REJECT:
            continue
        status = (
            PersonLink.Status.CONFIRMED if d == LinkDecision.Decision.CONFIRM
            else PersonLink.Status.ACCEPTED if r["band"] == "link" else PersonLink.Status.UNCERTAIN
        )  # fmt: skip
        objs.append(PersonLink(run=run, subject=r["subject"], cadre_id=r["cadre_id"], relative_id=r["relative_id"],
                               unit_id=r["unit_id"], registry_person_id=r["registry_person_id"], score=r["score"],
                               method=r["method"] or "", evidence=r["evidence"] or "", status=status))  # fmt: skip
    PersonLink.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _write_hits(run: MatchRun, hits: pl.DataFrame) -> None:
    import json

    RunHit.objects.bulk_create(
        [RunHit(run=run, rule=r["rule"], key=r["key"], cadre_id=r["cadre_id"], unit_id=r["unit_id"],
                explanation=r["explanation"], evidence=json.loads(r["evidence"])) for r in hits.iter_rows(named=True)],
        batch_size=2000,
    )  # fmt: skip


def _switch(run: MatchRun, hits: pl.DataFrame, params: dict, as_of: date) -> int:
    """One transaction: hits new to this run become warnings (with to-dos), the others get this
    run's evidence, and the current-run pointer moves. Returns the number of new hits."""
    now = timezone.now()
    found = {(h.rule, h.key): h for h in RunHit.objects.filter(run=run)}
    with transaction.atomic():
        state, _ = MatchingState.objects.select_for_update().get_or_create(pk=1)
        existing = {}
        keys = sorted(found)
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            for h in Hit.objects.filter(rule__in={k[0] for k in part}, key__in=[k[1] for k in part]):
                if (h.rule, h.key) in found:  # rule__in × key__in may pair another rule with a key
                    existing[(h.rule, h.key)] = h
        fresh = [
            Hit(rule=rh.rule, key=rh.key, cadre_id=rh.cadre_id, unit_id=rh.unit_id,
                params=_jsonable(params).get(rh.rule, {}), explanation=rh.explanation, evidence=rh.evidence,
                first_run=run, last_run=run, raised_at=now)
            for k, rh in found.items() if k not in existing
        ]  # fmt: skip
        Hit.objects.bulk_create(fresh, batch_size=1000)
        again = []
        for k, h in existing.items():
            rh = found[k]
            h.last_run, h.evidence, h.explanation, h.unit_id = run, rh.evidence, rh.explanation, rh.unit_id
            again.append(h)
        reopened = [h for h in again if h.status == Hit.Status.CLOSED]
        for h in reopened:
            h.status, h.status_changed_by, h.status_changed_at = Hit.Status.NEW, None, now
            h.status_note = f"比对运行 {run.pk} 再次发现，重新打开"
        Hit.objects.bulk_update(again, ["last_run", "evidence", "explanation", "unit", "status", "status_changed_by",
                                        "status_changed_at", "status_note"], batch_size=1000)  # fmt: skip
        for h in reopened:
            audit_record(actor=None, action="matching.hit_reopen", obj=h, person_id=h.cadre_id, unit_id=h.unit_id,
                         reason=h.status_note, extra={"rule": h.rule, "key": h.key, "run": run.pk})  # fmt: skip
        if fresh or reopened:
            todo = list(Hit.objects.filter(Q(first_run=run) | Q(pk__in=[h.pk for h in reopened]))
                        .select_related("cadre", "unit"))  # fmt: skip
            _open_todos(todo, as_of)
        closed = _close_stale(run, now)
        state.current_run, state.switched_at = run, now
        state.save()
        audit_record(actor=None, action="matching.run_switch", obj=run,
                     extra={"hits": len(found), "new_hits": len(fresh), "new_hit_ids": [h.pk for h in fresh][:1000],
                            "closed_hits": closed, "reopened_hits": len(reopened)})  # fmt: skip
    run.counts["closed_hits"], run.counts["reopened_hits"] = closed, len(reopened)
    return len(fresh)


def _close_stale(run: MatchRun, now) -> int:
    """Open hits this run no longer finds (the registry row went with a new snapshot, a link was
    rejected, a relative or post changed...) are closed with the reason, their to-dos completed,
    each audited; never deleted — the hit keeps the evidence of the last run that found it."""
    from qinglian.workitems.selectors import open_items_for
    from qinglian.workitems.services import workitem_cancel

    stale = list(
        Hit.objects.select_for_update().filter(status__in=[Hit.Status.NEW, Hit.Status.ACKNOWLEDGED])
        .exclude(last_run=run).order_by("pk")
    )  # fmt: skip
    for h in stale:
        note = (f"比对运行 {run.pk} 未再发现该线索（依据的外部数据、人员关联或干部信息已变化），自动关闭；"
                f"最后一次发现于比对运行 {h.last_run_id}")  # fmt: skip
        h.status, h.status_changed_by, h.status_changed_at, h.status_note = Hit.Status.CLOSED, None, now, note
        h.save(update_fields=["status", "status_changed_by", "status_changed_at", "status_note"])
        audit_record(actor=None, action="matching.hit_close", obj=h, person_id=h.cadre_id, unit_id=h.unit_id,
                     reason=note, extra={"rule": h.rule, "key": h.key, "run": run.pk, "last_run": h.last_run_id})  # fmt: skip
        for item in open_items_for(h, WORKITEM_KIND):
            workitem_cancel(actor=None, item=item, reason=note)
    return len(stale)


def _open_todos(hits: list[Hit], as_of: date) -> None:
    from qinglian.archive.warnings import responsible_bodies
    from qinglian.workitems.services import workitem_create

    bodies = responsible_bodies({h.unit_id for h in hits})
    start = min(as_of, timezone.localdate())
    for h in hits:
        body = bodies.get(h.unit_id)
        if body is None:
            log.warning("no responsible body for matching hit %s (unit %s)", h.pk, h.unit_id)
            continue
        spec = spec_for(h.rule)
        label = (spec.name if spec else h.rule).removeprefix("比对：")
        item = workitem_create(actor=None, subject=h, kind=WORKITEM_KIND, title=f"比对线索：{h.cadre.name} {label}"[:200],
                               assignee_unit=body, due_working_days=WORKITEM_DAYS, start=start)  # fmt: skip
        h.workitem_id = item.pk
    Hit.objects.bulk_update([h for h in hits if h.workitem_id], ["workitem_id"], batch_size=1000)


# --- link decisions -----------------------------------------------------------------------------


@transaction.atomic
def link_decide(*, actor, link: PersonLink, decision: str, reason: str, request=None) -> LinkDecision:
    """A reviewer confirms or rejects a link; remembered for every later run (the engine gets it)."""
    link = PersonLink.objects.select_for_update().select_related("unit").get(pk=link.pk)
    if not has_capability(actor, "matching.review") or not scope(actor, "matching.review").contains(
        link.unit
    ):
        raise PermissionDenied("您无权确认该关联")
    if decision not in LinkDecision.Decision.values:
        raise ValidationError({"decision": "请选择“确认是同一人”或“否定”"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明理由（如核对了哪些信息）"})
    if len(reason) > 2000:
        raise ValidationError({"reason": "理由过长（不超过2000个字）"})
    now = timezone.now()
    obj, _ = LinkDecision.objects.update_or_create(
        subject=link.subject, subject_id=link.subject_id, registry_person_id=link.registry_person_id,
        defaults={"cadre_id": link.cadre_id, "decision": decision, "reason": reason, "decided_by": actor,
                  "decided_at": now},
    )  # fmt: skip
    link.status = (
        PersonLink.Status.CONFIRMED
        if decision == LinkDecision.Decision.CONFIRM
        else PersonLink.Status.REJECTED
    )
    link.save(update_fields=["status"])
    audit_record(actor=actor, action=f"matching.link_{decision}", obj=obj, person_id=link.cadre_id,
                 unit_id=link.unit_id, reason=reason, request=request,
                 extra={"subject": link.subject, "subject_id": link.subject_id,
                        "registry_person_id": link.registry_person_id, "score": link.score})  # fmt: skip
    return obj


# --- the life of a hit --------------------------------------------------------------------------


def _check(actor, hit: Hit) -> Hit:
    hit = Hit.objects.select_for_update().select_related("unit", "cadre", "cadre__unit").get(pk=hit.pk)
    if not has_capability(actor, "matching.review") or not scope(actor, "matching.review").contains(hit.unit):
        raise PermissionDenied("您无权处理该比对线索")
    return hit


def _transition(actor, hit: Hit, status: str, note: str, action: str, request) -> Hit:
    hit.status, hit.status_changed_by, hit.status_changed_at, hit.status_note = (
        status,
        actor,
        timezone.now(),
        note,
    )
    hit.save(update_fields=["status", "status_changed_by", "status_changed_at", "status_note", "entry"])
    audit_record(actor=actor, action=action, obj=hit, person_id=hit.cadre_id, unit_id=hit.unit_id, reason=note,
                 request=request, extra={"rule": hit.rule, "key": hit.key, "status": status})  # fmt: skip
    return hit


def _note(note: str, missing: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": missing})
    if len(note) > 2000:
        raise ValidationError({"note": "说明过长（不超过2000个字）"})
    return note


@transaction.atomic
def hit_acknowledge(*, actor, hit: Hit, note: str = "", request=None) -> Hit:
    """签收."""
    hit = _check(actor, hit)
    if hit.status != Hit.Status.NEW:
        raise ValidationError({"status": f"该线索{hit.get_status_display()}，不能签收"})
    return _transition(actor, hit, Hit.Status.ACKNOWLEDGED, (note or "").strip()[:2000], "matching.hit_acknowledge",
                       request)  # fmt: skip


def _complete_todo(actor, hit: Hit, note: str, request) -> None:
    from qinglian.workitems.services import workitems_complete_for_subject

    workitems_complete_for_subject(actor=actor, subject=hit, kind=WORKITEM_KIND, note=note, request=request)


@transaction.atomic
def hit_dismiss(*, actor, hit: Hit, reason: str, request=None) -> Hit:
    """已排除: not the same person, permitted by the rules, already known... with the reason."""
    hit = _check(actor, hit)
    if hit.status not in (Hit.Status.NEW, Hit.Status.ACKNOWLEDGED):
        raise ValidationError({"status": f"该线索{hit.get_status_display()}，不能再处理"})
    reason = _note(reason, "请填写排除理由")
    hit = _transition(actor, hit, Hit.Status.DISMISSED, reason, "matching.hit_dismiss", request)
    _complete_todo(actor, hit, reason, request)
    return hit


def _entry_kind(hit: Hit) -> tuple[str, str, date]:
    """The archive kind, source reference and date of the fact a confirmed hit records."""
    if hit.rule == R.UNRECORDED:
        what, reference = hit.key.split(":", 2)[1:]
        on = next((e["label"] for e in hit.evidence if e.get("to", {}).get("kind") == what), "")
        try:
            day = date.fromisoformat(on)
        except ValueError:
            day = hit.raised_at.date()
        return ENTRY_KIND[what], reference, day
    return (
        "external.registry_match",
        f"matching:{hit.rule}:{hit.key}"[:100],
        timezone.localdate(hit.raised_at),
    )


def chain_text(hit: Hit) -> str:
    """The evidence chain in one paragraph (names, edges and sources)."""
    parts = []
    for e in hit.evidence:
        parts.append(
            f"{e['from'].get('name', '')}—{e['label']}→{e['to'].get('name', '')}（来源：{e['source'].get('label', '')}）"
        )
    return "；".join(parts)


@transaction.atomic
def hit_confirm(*, actor, hit: Hit, note: str, request=None) -> Hit:
    """已核实: the reviewer checked the hit against the records; the fact goes to the archive as a
    sealed, colourless `external.*` entry awaiting the archive's review (it counts against the
    cadre only after the cadre is heard and a named person decides, through the archive's flow)."""
    from qinglian.archive.services import entry_record

    hit = _check(actor, hit)
    if hit.status not in (Hit.Status.NEW, Hit.Status.ACKNOWLEDGED):
        raise ValidationError({"status": f"该线索{hit.get_status_display()}，不能再处理"})
    note = _note(note, "请填写核实情况")
    kind, reference, occurred = _entry_kind(hit)
    occurred = min(occurred, timezone.localdate())
    spec = spec_for(hit.rule)
    summary = f"大数据比对（{spec.name if spec else hit.rule}，依据{spec.citation.text if spec else ''}）：{hit.explanation}。" \
              f"证据链：{chain_text(hit)}。核实情况：{note}"  # fmt: skip
    entry = entry_record(actor=actor, kind=kind, summary=summary, occurred_on=occurred, person=hit.cadre,
                         unit=hit.cadre.unit, source_app="matching", source_type="hit", source_id=str(hit.pk),
                         source_reference=reference, check_permission=False, request=request)  # fmt: skip
    hit.entry = entry
    hit = _transition(actor, hit, Hit.Status.HANDLED, note, "matching.hit_confirm", request)
    _complete_todo(actor, hit, note, request)
    return hit


# --- editable tables ----------------------------------------------------------------------------


@transaction.atomic
def sector_mapping_add(*, actor, industry_prefix: str, sector: str, note: str = "", request=None):
    from qinglian.matching.models import SectorMapping

    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您无权修改对照表")
    prefix = (industry_prefix or "").strip().upper()
    sector = (sector or "").strip()
    errors = {}
    if not R._CODE.match(prefix) or not prefix:
        errors["industry_prefix"] = "行业代码应为 GB/T 4754 门类字母（A–T）或2至4位数字代码，如 E、47、4710"
    if not sector or len(sector) > 64:
        errors["sector"] = "请填写业务领域（不超过64个字）"
    if errors:
        raise ValidationError(errors)
    if SectorMapping.objects.filter(industry_prefix=prefix, sector=sector).exists():
        raise ValidationError({"industry_prefix": "该对照已存在"})
    row = SectorMapping.objects.create(industry_prefix=prefix, sector=sector, note=(note or "").strip()[:200],
                                       updated_by=actor, updated_at=timezone.now())  # fmt: skip
    audit_record(actor=actor, action="matching.sector_add", obj=row, request=request,
                 extra={"prefix": prefix, "sector": sector})  # fmt: skip
    return row


@transaction.atomic
def sector_mapping_delete(*, actor, row, request=None) -> None:
    if not has_capability(actor, "matching.manage"):
        raise PermissionDenied("您无权修改对照表")
    audit_record(actor=actor, action="matching.sector_delete", obj=row, request=request,
                 extra={"prefix": row.industry_prefix, "sector": row.sector})  # fmt: skip
    row.delete()


_REGION = __import__("re").compile(r"^\d{2}(\d{2}){0,2}$")


@transaction.atomic
def unit_region_set(*, actor, unit, region_code: str, request=None):
    """Set (or change) the administrative division a unit governs, for the retired-cadre rule's
    "former jurisdiction" (its subordinate units without their own inherit it). Audited with the
    old and the new value; takes effect at the next run."""
    from qinglian.matching.models import UnitRegion

    if not has_capability(actor, "matching.manage") or not scope(actor, "matching.manage").contains(unit):
        raise PermissionDenied("您无权修改该单位的管辖区域")
    code = (region_code or "").strip()
    if not _REGION.match(code):
        raise ValidationError(
            {"region_code": "行政区划代码应为2、4或6位数字（GB/T 2260，如 33、3301、330106）"}
        )
    row = UnitRegion.objects.select_for_update().filter(unit=unit).first()
    old = row.region_code if row else ""
    if row is None:
        row = UnitRegion(unit=unit)
    row.region_code, row.updated_by, row.updated_at = code, actor, timezone.now()
    row.save()
    audit_record(actor=actor, action="matching.region_set", obj=row, unit_id=unit.pk, request=request,
                 extra={"unit": unit.pk, "old": old, "new": code})  # fmt: skip
    return row


@transaction.atomic
def unit_region_delete(*, actor, row, request=None) -> None:
    if not has_capability(actor, "matching.manage") or not scope(actor, "matching.manage").contains(row.unit):
        raise PermissionDenied("您无权修改该单位的管辖区域")
    audit_record(actor=actor, action="matching.region_delete", obj=row, unit_id=row.unit_id, request=request,
                 extra={"unit": row.unit_id, "old": row.region_code})  # fmt: skip
    row.delete()


def sector_mapping_seed_defaults() -> int:
    """Fill the table with the shipped defaults when it is empty (after migrate)."""
    from qinglian.matching.defaults import SECTOR_MAPPING
    from qinglian.matching.models import SectorMapping

    if SectorMapping.objects.exists():
        return 0
    now = timezone.now()
    SectorMapping.objects.bulk_create([SectorMapping(industry_prefix=p, sector=s, note=n, updated_at=now)
                                       for p, s, n in SECTOR_MAPPING])  # fmt: skip
    return len(SECTOR_MAPPING)
