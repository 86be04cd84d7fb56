"""Runs with the real linkage engine: hits as warnings with provenance, reviewer decisions
remembered, incremental equals full, a failed run leaves the previous results."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.archive.models import ArchiveEntry
from qinglian.matching import services
from qinglian.matching.models import Hit, LinkDecision, MatchRun, PersonLink, RunHit
from qinglian.matching.tests.conftest import registry_person, role
from qinglian.people.cadre_services import relative_save
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 20)


def full(actor, kind=MatchRun.Kind.FULL, **kw):
    run = services.run_request(actor=actor, kind=kind, enqueue=False)
    return services.run_execute(run, as_of=AS_OF, **kw)


def results(run):
    links = set(PersonLink.objects.filter(run=run).values_list("subject", "cadre_id", "relative_id",
                                                                "registry_person_id", "status", "score"))  # fmt: skip
    hits = {(h.rule, h.key, h.explanation, str(h.evidence)) for h in RunHit.objects.filter(run=run)}
    return links, hits


def test_full_run_raises_business_hit_with_provenance_and_todo(world):
    run = full(world.admin)
    assert run.status == "succeeded", run.error
    assert services.current_run() == run
    assert run.counts["hits"] == 1 and run.counts["usable_links"] == 2
    assert run.inputs["snapshots"] == {str(world.snap.pk): "市场监管局企业登记 2026-10-01"}
    assert set(run.timing) >= {"load", "linkage", "rules", "write", "total"}
    hit = Hit.objects.get()
    assert hit.cadre == world.chief and hit.rule == "matching.business" and hit.status == "new"
    # Provenance on every edge: the relative on file, the link, the company-role row of the snapshot.
    sources = [e["source"] for e in hit.evidence]
    assert sources[0]["table"] == "people.relative"
    assert sources[1]["table"] == "matching.link" and sources[1]["snapshot"] == world.snap.pk
    assert sources[1]["row"] == world.p_spouse.row_number == 2
    assert sources[1]["label"].endswith("登记人员见市场监管局企业登记 2026-10-01 第2行")
    assert sources[2] == {
        "table": "registries.company_role",
        "id": world.role.pk,
        "snapshot": world.snap.pk,
        "row": 2,
        "label": "市场监管局企业登记 2026-10-01 第2行",
    }
    item = WorkItem.objects.get(kind="matching.hit")
    assert item.assignee_unit == world.tree.pz1 and item.object_id == str(hit.pk)
    # The clerk's spouse is a shareholder too, but the clerk is below the rule's level.
    assert not Hit.objects.filter(cadre=world.clerk).exists()


def test_second_run_keeps_one_hit_and_its_status(world):
    full(world.admin)
    hit = Hit.objects.get()
    services.hit_acknowledge(actor=world.reviewer, hit=hit)
    run2 = full(world.admin)
    hit.refresh_from_db()
    assert Hit.objects.count() == 1 and hit.status == "acknowledged" and hit.last_run == run2
    assert WorkItem.objects.filter(kind="matching.hit").count() == 1


def test_reviewer_decision_remembered_next_run(world):
    # A registry person without an ID, same name and birth date as the clerk: not an ID link.
    from qinglian.matching.tests.conftest import company

    p = registry_person(world.snap, 9, "钱小明", born=date(1990, 6, 7))
    role(world.snap, 9, p, company(world.snap, 8, "丙公司", "91330100MA00000009"), "legal_rep")
    full(world.admin)
    link = PersonLink.objects.get(registry_person_id=p.pk)
    assert link.method == "name"
    with pytest.raises(PermissionDenied):
        services.link_decide(actor=world.outsider, link=link, decision="reject", reason="不是同一人")
    with pytest.raises(ValidationError):
        services.link_decide(actor=world.reviewer, link=link, decision="reject", reason=" ")
    services.link_decide(
        actor=world.reviewer, link=link, decision="reject", reason="核对户籍信息，不是同一人"
    )
    run2 = full(world.admin)
    assert not PersonLink.objects.filter(run=run2, registry_person_id=p.pk).exists()
    assert not RunHit.objects.filter(run=run2, cadre=world.clerk).exists()
    # Changing the decision to confirm brings the link back as confirmed, and the rule uses it.
    LinkDecision.objects.update(decision="confirm")
    run3 = full(world.admin)
    assert PersonLink.objects.get(run=run3, registry_person_id=p.pk).status == "confirmed"
    assert RunHit.objects.filter(run=run3, cadre=world.clerk, rule="matching.business").exists()


def test_incremental_equals_full(world):
    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.matching.tests.conftest import company

    # A name-only link (no ID in the registry) whose score depends on the fitted model.
    p0 = registry_person(world.snap, 20, "钱小明", born=date(1990, 6, 7))
    role(world.snap, 20, p0, company(world.snap, 21, "丁公司", "91330100MA00000021"), "legal_rep")
    # The registry lists a manager who is not (yet) known as anyone's relative.
    number = make(DEMO_REGION, date(2015, 2, 3), 60)
    p = registry_person(world.snap, 12, "钱小宝", number=number)
    role(world.snap, 12, p, world.co, "manager")
    first = full(world.admin)
    assert first.params["model_from"] == "fitted" and first.params["reference"]["m"]
    assert not PersonLink.objects.filter(run=first, registry_person_id=p.pk).exists()
    # The clerk declares a child: that registry person.
    relative_save(actor=None, cadre=world.clerk, data={"relation": "child", "source": "declared", "name": "钱小宝",
                                                       "birth_date": date(2015, 2, 3), "id_number": parse(number)})  # fmt: skip
    inc = full(world.admin, kind=MatchRun.Kind.INCREMENTAL)
    assert inc.status == "succeeded", inc.error
    # Only the clerk is linked again, with the first run's model; the chief's links are copied.
    assert inc.inputs["incremental"] is True and inc.inputs["affected_cadres"] == 1
    assert inc.params["model_from"] == "base" and inc.params["reference"] == first.params["reference"]
    assert inc.counts["left"] == 3  # the clerk, his spouse and his child
    assert PersonLink.objects.filter(run=inc, cadre=world.chief).count() == 1
    assert PersonLink.objects.filter(run=inc, registry_person_id=p.pk).exists()
    # A full linkage of everyone under the same model gives the same links and hits.
    whole = full(world.admin, model=inc.params["reference"])
    assert whole.inputs["incremental"] is False and whole.counts["left"] == 5
    assert results(inc) == results(whole)
    links, hits = results(whole)
    assert len(links) == 4 and {h[0] for h in hits} == {"matching.business"}
    # A deleted relative: its links go with it, and nobody is linked again.
    spouse_id = world.spouse.pk
    world.spouse.delete()
    inc2 = full(world.admin, kind=MatchRun.Kind.INCREMENTAL)
    assert inc2.inputs["incremental"] is True and inc2.inputs["affected_cadres"] == 0
    whole2 = full(world.admin, model=inc2.params["reference"])
    assert whole2.counts["left"] == 4  # two cadres, two relatives
    assert results(inc2) == results(whole2)
    links, hits = results(whole2)
    assert len(links) == 3 and not hits
    assert not any(link[2] == spouse_id for link in links)
    # The chief's hit lost its evidence with the relative: closed, not deleted.
    assert Hit.objects.get(cadre=world.chief).status == "closed"
    # A model kept for more than a week is fitted again.
    from datetime import timedelta

    from django.utils import timezone

    old = whole2.params | {"model_fitted_at": (timezone.now() - timedelta(days=8)).isoformat()}
    MatchRun.objects.filter(pk=whole2.pk).update(params=old)
    stale = full(world.admin, kind=MatchRun.Kind.INCREMENTAL)
    assert stale.inputs["incremental"] is False and "超过7天" in stale.inputs["full_reason"]
    assert stale.params["model_from"] == "fitted"
    # A new registry snapshot: the next incremental run links everyone and fits a new model.
    from qinglian.matching.tests.conftest import registry_snapshot

    registry_snapshot(world.admin, name="法院判决", kind="court")
    inc3 = full(world.admin, kind=MatchRun.Kind.INCREMENTAL)
    assert inc3.inputs["incremental"] is False and inc3.inputs["full_reason"] == "外部数据快照已变化"
    assert inc3.params["model_from"] == "fitted"


def test_hit_whose_evidence_disappears_is_closed_and_reopens(world):
    from qinglian.audit.models import AuditEvent

    full(world.admin)
    hit = Hit.objects.get()
    services.hit_acknowledge(actor=world.reviewer, hit=hit)
    # The new snapshot no longer lists the spouse as legal representative.
    world.role.delete()
    run2 = full(world.admin)
    hit.refresh_from_db()
    assert (
        hit.status == "closed" and hit.last_run != run2 and f"比对运行 {run2.pk} 未再发现" in hit.status_note
    )
    assert hit.evidence and hit.status_changed_by is None  # the last evidence is kept
    assert run2.counts["closed_hits"] == 1
    assert WorkItem.objects.get(kind="matching.hit").status == "cancelled"
    assert AuditEvent.objects.filter(action="matching.hit_close", object_id=str(hit.pk)).count() == 1
    # A closed hit is not acted on, and another run does not close it again.
    with pytest.raises(ValidationError):
        services.hit_dismiss(actor=world.reviewer, hit=hit, reason="x")
    full(world.admin)
    assert AuditEvent.objects.filter(action="matching.hit_close", object_id=str(hit.pk)).count() == 1
    # The evidence is back: the same hit reopens with a new to-do.
    role(world.snap, 2, world.p_spouse, world.co, "legal_rep")
    run4 = full(world.admin)
    hit.refresh_from_db()
    assert Hit.objects.count() == 1 and hit.status == "new" and hit.last_run == run4
    assert run4.counts["reopened_hits"] == 1
    assert WorkItem.objects.filter(kind="matching.hit", status="open").count() == 1
    assert AuditEvent.objects.filter(action="matching.hit_reopen", object_id=str(hit.pk)).exists()


def test_failed_run_leaves_previous_results(world):
    first = full(world.admin)

    class Broken:
        Params = __import__("qinglian.matching.linkage", fromlist=["Params"]).Params

        @staticmethod
        def stats(*a, **k):
            raise AssertionError

        @staticmethod
        def link(*a, **k):
            raise RuntimeError("引擎故障")

        link_fitted = link

    bad = full(world.admin, engine=Broken)
    assert bad.status == "failed" and "引擎故障" in bad.error
    assert services.current_run() == first
    assert not PersonLink.objects.filter(run=bad).exists()
    assert Hit.objects.get().last_run == first


def test_hit_life_confirm_writes_sealed_external_entry(world):
    full(world.admin)
    hit = Hit.objects.get()
    with pytest.raises(PermissionDenied):
        services.hit_confirm(actor=world.outsider, hit=hit, note="核实")
    with pytest.raises(PermissionDenied):
        services.hit_acknowledge(actor=world.leader, hit=hit)  # leadership reads only
    with pytest.raises(ValidationError):
        services.hit_confirm(actor=world.reviewer, hit=hit, note="")
    services.hit_confirm(actor=world.reviewer, hit=hit, note="调取工商档案核实，确为其配偶任法定代表人")
    hit.refresh_from_db()
    assert hit.status == "handled"
    entry = hit.entry
    assert entry.kind.code == "external.registry_match" and entry.colour == "none"
    assert (
        entry.sensitivity == ArchiveEntry.Sensitivity.SEALED and entry.review == ArchiveEntry.Review.PENDING
    )
    assert entry.source_app == "matching" and entry.source_id == str(hit.pk)
    assert "市场监管局企业登记 2026-10-01 第2行" in entry.summary
    assert WorkItem.objects.get(kind="matching.hit").status == "done"
    with pytest.raises(ValidationError):
        services.hit_dismiss(actor=world.reviewer, hit=hit, reason="x")


def test_hit_dismiss_needs_reason(world):
    full(world.admin)
    hit = Hit.objects.get()
    with pytest.raises(ValidationError):
        services.hit_dismiss(actor=world.reviewer, hit=hit, reason="")
    services.hit_dismiss(actor=world.reviewer, hit=hit, reason="已按规定报备并批准")
    hit.refresh_from_db()
    assert hit.status == "dismissed" and hit.entry is None
    assert not ArchiveEntry.objects.filter(source_app="matching").exists()


def test_abandoned_run_does_not_block_later_runs(world):
    from datetime import timedelta

    from django.utils import timezone

    first = full(world.admin)
    stuck = services.run_request(actor=world.admin, enqueue=False)
    MatchRun.objects.filter(pk=stuck.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(ValidationError):  # still within its time: a real run may be busy
        services.run_request(actor=world.admin, enqueue=False)
    MatchRun.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=7))
    nxt = services.run_request(actor=world.admin, enqueue=False)
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "运行中断" in stuck.error and nxt.status == "queued"
    assert services.current_run() == first


def test_only_one_run_at_a_time_and_manage_needed(world):
    services.run_request(actor=world.admin, enqueue=False)
    with pytest.raises(ValidationError):
        services.run_request(actor=world.admin, enqueue=False)
    with pytest.raises(PermissionDenied):
        services.run_request(actor=world.leader, enqueue=False)


def test_switch_matches_hits_by_rule_and_key_together(world):
    from django.utils import timezone

    first = full(world.admin)
    run = MatchRun.objects.create(status="running", created_at=timezone.now(), started_at=timezone.now())
    c, u = world.chief, world.chief.unit
    # Another rule already has a hit with key "k1"; this run finds k1 under BUSINESS and k2 under RETIRED.
    other = Hit.objects.create(rule="matching.retired_post", key="k1", cadre=c, unit=u, explanation="旧", evidence=[],
                               first_run=first, last_run=first, raised_at=timezone.now())  # fmt: skip
    for rule, key in (("matching.business", "k1"), ("matching.retired_post", "k2")):
        RunHit.objects.create(run=run, rule=rule, key=key, cadre=c, unit=u, explanation="新", evidence=[])
    run.counts = {}
    assert services._switch(run, None, {}, AS_OF) == 2
    other.refresh_from_db()
    assert other.status == "closed"
    assert set(Hit.objects.filter(first_run=run).values_list("rule", "key")) == {
        ("matching.business", "k1"), ("matching.retired_post", "k2")}  # fmt: skip
