"""Reads shared by the pages and the API: scoped lists with a fixed number of queries, and the
relationship graph of a person or a company."""

from __future__ import annotations

from django.db.models import QuerySet

from qinglian.accounts.scopes import scope
from qinglian.matching.access import current_run_id, hits_q, visible_persons
from qinglian.matching.models import Hit, MatchRun, PersonLink, RunHit

OPEN = (Hit.Status.NEW, Hit.Status.ACKNOWLEDGED)


def hit_list(*, viewer, status: str = "", rule: str = "", cadre_id: int | None = None) -> QuerySet[Hit]:
    rows = Hit.objects.filter(hits_q(viewer))
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule=rule)
    if cadre_id:
        rows = rows.filter(cadre_id=cadre_id)
    return rows.select_related("cadre", "unit", "last_run").order_by("-raised_at", "-id")


def review_queue(*, viewer) -> QuerySet[PersonLink]:
    """Uncertain links of the current run in the reviewer's scope, most likely first."""
    run_id = current_run_id()
    return (
        PersonLink.objects.filter(scope(viewer, "matching.review").units_q("unit__"), run_id=run_id or 0,
                                  status=PersonLink.Status.UNCERTAIN)
        .select_related("cadre", "relative", "unit").order_by("-score", "id")
    )  # fmt: skip


def link_list(*, viewer, status: str = "") -> QuerySet[PersonLink]:
    rows = PersonLink.objects.filter(
        scope(viewer, "matching.view").units_q("unit__"), run_id=current_run_id() or 0
    )
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("cadre", "relative", "unit").order_by("cadre_id", "-score", "id")


def run_list() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("created_by").order_by("-created_at", "-id")


# --- the relationship graph ---------------------------------------------------------------------


def _graph_add(nodes: dict, key: str, name: str, category: str) -> None:
    nodes.setdefault(key, {"id": key, "name": name, "category": category})


def _row(row) -> dict:
    """An edge's source when it comes from a registry row: registry, snapshot, row (and the text)."""
    snap = row.snapshot
    return {"registry": snap.source.name, "snapshot": snap.pk, "row": row.row_number,
            "origin": f"{snap.source.name} {snap.data_date:%Y-%m-%d}（快照{snap.pk}）第{row.row_number}行"}  # fmt: skip


def _platform(label: str) -> dict:
    """An edge's source when it is the platform's own data (no registry row)."""
    return {"registry": "", "snapshot": None, "row": None, "origin": label}


def _link_edge(frm: str, to: str, link, run_id, person) -> dict:
    """The link between a cadre or relative and a registry person: the run and its reasons, and
    the registry row the person was read from."""
    src = _row(person)
    return {"source": frm, "target": to, "label": f"同一人（{link.score:.2f}）", **src,
            "origin": f"{link.get_status_display()}，比对运行{run_id}：{link.evidence}；人员来源：{src['origin']}"}  # fmt: skip


def _named(graph: dict) -> dict:
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    for e in graph["edges"]:
        e["source_name"], e["target_name"] = names.get(e["source"], ""), names.get(e["target"], "")
    return graph


def person_graph(*, viewer, cadre, request=None) -> dict:
    """Cadre → relatives → linked registry persons → companies → awards → buyer units, each edge
    with its source. Only links of the current run in the viewer's scope; registry rows read
    through registries.selectors.rows_for_persons (audited)."""
    from qinglian.registries.selectors import rows_for_persons

    run_id = current_run_id()
    links = list(
        PersonLink.objects.filter(scope(viewer, "matching.view").units_q("unit__"), run_id=run_id or 0, cadre=cadre)
        .exclude(status=PersonLink.Status.REJECTED).select_related("relative")
    )  # fmt: skip
    nodes: dict[str, dict] = {}
    edges: list[dict] = []
    ck = f"cadre:{cadre.pk}"
    _graph_add(nodes, ck, cadre.name, "干部")
    for rel in cadre.relatives.all():
        _graph_add(nodes, f"relative:{rel.pk}", rel.name, "亲属")
        edges.append({"source": ck, "target": f"relative:{rel.pk}", "label": rel.get_relation_display(),
                      **_platform("干部亲属信息")})  # fmt: skip
    rows = rows_for_persons({lk.registry_person_id for lk in links}, actor=viewer, reason="关系图谱",
                            request=request) if links else {}  # fmt: skip
    for lk in links:
        pk = f"person:{lk.registry_person_id}"
        pr = rows.get(lk.registry_person_id)
        if pr is None:
            continue
        _graph_add(nodes, pk, pr.person.name, "登记人员")
        frm = f"relative:{lk.relative_id}" if lk.relative_id else ck
        edges.append(_link_edge(frm, pk, lk, run_id, pr.person))
        for role in pr.roles:
            co = role.company
            cok = f"company:{co.pk}"
            _graph_add(nodes, cok, co.name, "企业")
            edges.append({"source": pk, "target": cok, "label": role.get_role_display(), **_row(role)})
            for award in co.won:
                ak = f"award:{award.pk}"
                _graph_add(nodes, ak, award.project_name or award.project_number, "中标项目")
                edges.append(
                    {"source": cok, "target": ak, "label": f"中标 {award.award_date:%Y-%m-%d}", **_row(award)}
                )
                if award.buyer_unit_id:
                    uk = f"unit:{award.buyer_unit_id}"
                    _graph_add(nodes, uk, award.buyer_unit.name, "单位")
                    edges.append(
                        {"source": ak, "target": uk, "label": "采购人", **_platform("采购单位对照表")}
                    )
        for v in pr.vehicle_records:
            if v.offence_type:
                vk = f"vehicle:{v.pk}"
                _graph_add(nodes, vk, v.get_offence_type_display(), "交通违法")
                edges.append({"source": pk, "target": vk, "label": f"{v.record_date:%Y-%m-%d}", **_row(v)})
        for c in pr.court_records:
            kk = f"court:{c.pk}"
            _graph_add(nodes, kk, c.case_number, "法院记录")
            edges.append(
                {"source": pk, "target": kk, "label": c.party_role or c.get_kind_display(), **_row(c)}
            )
    return _named({"nodes": list(nodes.values()), "edges": edges})


def company_graph(*, viewer, company, request=None) -> dict | None:
    """A company's roles held by registry persons linked to cadres or relatives in the viewer's
    scope (others are only counted), and the links back to those cadres. None when the viewer
    sees no one in it (the company itself is then not shown)."""
    from qinglian.registries.models import CompanyRole
    from qinglian.registries.selectors import rows_for_persons

    person_ids = set(CompanyRole.objects.filter(company=company).values_list("person_id", flat=True))
    visible = visible_persons(viewer, person_ids)
    if not visible:
        return None
    run_id = current_run_id()
    links = list(
        PersonLink.objects.filter(scope(viewer, "matching.view").units_q("unit__"), run_id=run_id,
                                  registry_person_id__in=sorted(visible))
        .exclude(status=PersonLink.Status.REJECTED).select_related("cadre", "relative")
    )  # fmt: skip
    rows = rows_for_persons(visible, actor=viewer, reason=f"企业关系图谱：{company.name}", request=request)
    nodes: dict[str, dict] = {}
    edges: list[dict] = []
    cok = f"company:{company.pk}"
    _graph_add(nodes, cok, company.name, "企业")
    for pid, pr in rows.items():
        pk = f"person:{pid}"
        _graph_add(nodes, pk, pr.person.name, "登记人员")
        for role in pr.roles:
            if role.company_id == company.pk:
                edges.append({"source": pk, "target": cok, "label": role.get_role_display(), **_row(role)})
                for award in role.company.won:
                    ak = f"award:{award.pk}"
                    _graph_add(nodes, ak, award.project_name or award.project_number, "中标项目")
                    edges.append({"source": cok, "target": ak, "label": f"中标 {award.award_date:%Y-%m-%d}",
                                  **_row(award)})  # fmt: skip
                    if award.buyer_unit_id:
                        _graph_add(nodes, f"unit:{award.buyer_unit_id}", award.buyer_unit.name, "单位")
                        edges.append({"source": ak, "target": f"unit:{award.buyer_unit_id}", "label": "采购人",
                                      **_platform("采购单位对照表")})  # fmt: skip
    for lk in links:
        ck = f"cadre:{lk.cadre_id}"
        _graph_add(nodes, ck, lk.cadre.name, "干部")
        frm = ck
        if lk.relative_id:
            frm = f"relative:{lk.relative_id}"
            _graph_add(nodes, frm, lk.relative.name, "亲属")
            edges.append({"source": ck, "target": frm, "label": lk.relative.get_relation_display(),
                          **_platform("干部亲属信息")})  # fmt: skip
        pr = rows.get(lk.registry_person_id)
        if pr is not None:
            edges.append(_link_edge(frm, f"person:{lk.registry_person_id}", lk, run_id, pr.person))
    hidden = len(person_ids) - len(visible)
    return _named({"nodes": list(nodes.values()), "edges": edges, "hidden": hidden})


def run_hits_for(hit: Hit) -> QuerySet[RunHit]:
    return RunHit.objects.filter(rule=hit.rule, key=hit.key).select_related("run").order_by("-run_id")
