"""FollowTheMoney (FtM) exchange: people, companies and their relationships as FtM entities in
JSON lines, so that investigators can exchange data with tools built on that model (Aleph,
OpenSanctions, yente...).

Export: a registry snapshot (company roles as `Ownership` / `Directorship`, awards as `Contract` +
`ContractAward` with the buyer as `PublicBody`), or one cadre's file (the cadre and relatives as
`Person` with `Family` edges; the registry persons the matching app linked to them contribute
their roles and awards to the cadre's or relative's own entity). ID numbers are left out unless
the caller asks for them (and the caller's reveal is audited); entity ids are opaque.

Import: an FtM file becomes a registry snapshot of a company or procurement source; every
relationship entity becomes one row with the kind's standard headers, then goes through the same
validation as a CSV row (a bad ID number is excluded, never guessed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData

from qinglian.audit.services import audit_record
from qinglian.core.excel import RowError
from qinglian.people.identity import reveal
from qinglian.registries.models import Award, CompanyRole, Snapshot, SourceKind
from qinglian.registries.readers import Table
from qinglian.registries.schema import ROLE_LOOKUP, FileRefused, header_of

NS = "ql"
GENDER_LABEL = {"male": "男", "female": "女"}


def _entity(schema: str, *key) -> object:
    e = model.make_entity(schema, key_prefix=NS)
    e.make_id(schema, *key)
    return e


def _person_entity(key: str, *, name: str, birth_date=None, gender: str = "", place: str = "",
                   id_number: str = "") -> object:  # fmt: skip
    e = _entity("Person", key)
    e.add("name", name)
    if birth_date:
        e.add("birthDate", birth_date.isoformat())
    if gender:
        e.add("gender", gender)
    if place:
        e.add("address", place)
    if id_number:
        e.add("idNumber", id_number)
    e.add("country", "cn")
    return e


def _registry_person_entity(person, *, include_id_numbers: bool) -> object:
    key = f"h:{person.id_number_hash}" if person.id_number_hash else f"p:{person.snapshot_id}:{person.pk}"
    return _person_entity(
        key, name=person.name, birth_date=person.birth_date, gender=person.gender, place=person.place,
        id_number=reveal(person.id_number_enc) if include_id_numbers and person.id_number_enc else "",
    )  # fmt: skip


def _company_entity(company) -> object:
    e = _entity("Company", f"code:{company.credit_code}" if company.credit_code else f"name:{company.name}")
    e.add("name", company.name)
    if company.credit_code:
        e.add("registrationNumber", company.credit_code)
    if company.industry_code:
        e.add("classification", company.industry_code)
    if company.address:
        e.add("address", company.address)
    e.add("jurisdiction", "cn")
    return e


def _provenance(e, row) -> None:
    e.add("recordId", f"{row.snapshot_id}:{row.row_number}")
    source = row.snapshot.source if hasattr(row, "snapshot") and row.snapshot_id else None
    if source is not None:
        e.add("publisher", source.provider or source.name)


def _role_entity(role: CompanyRole, person_entity, company_entity) -> object:
    if role.role == CompanyRole.Role.SHAREHOLDER:
        e = _entity("Ownership", person_entity.id, company_entity.id, role.pk)
        e.add("owner", person_entity.id)
        e.add("asset", company_entity.id)
        if role.share_pct is not None:
            e.add("percentage", f"{role.share_pct.normalize():f}")
    else:
        e = _entity("Directorship", person_entity.id, company_entity.id, role.pk)
        e.add("director", person_entity.id)
        e.add("organization", company_entity.id)
    e.add("role", role.title or role.get_role_display())
    if role.start_date:
        e.add("startDate", role.start_date.isoformat())
    if role.end_date:
        e.add("endDate", role.end_date.isoformat())
    _provenance(e, role)
    return e


def _award_entities(award: Award, winner_entity) -> list:
    buyer = _entity("PublicBody", f"buyer:{award.buyer_name}")
    buyer.add("name", award.buyer_name)
    buyer.add("country", "cn")
    contract = _entity("Contract", award.pk, award.snapshot_id)
    contract.add("title", award.project_name or award.buyer_name)
    contract.add("name", award.project_name or award.project_number or award.buyer_name)
    contract.add("authority", buyer.id)
    contract.add("contractDate", award.award_date.isoformat())
    if award.project_number:
        contract.add("procedureNumber", award.project_number)
    ca = _entity("ContractAward", award.pk, award.snapshot_id)
    ca.add("supplier", winner_entity.id)
    ca.add("contract", contract.id)
    ca.add("amount", f"{award.amount:f}")
    ca.add("currency", "CNY")
    ca.add("date", award.award_date.isoformat())
    _provenance(ca, award)
    return [buyer, contract, ca]


def snapshot_entities(
    snapshot: Snapshot, *, actor, include_id_numbers: bool = False, request=None
) -> Iterator[dict]:
    """FtM entities (dicts) for a company or procurement snapshot, streamed. The export is audited
    when asked for (not when the stream is consumed)."""
    if snapshot.source.kind not in (SourceKind.COMPANY, SourceKind.PROCUREMENT):
        raise FileRefused("只有企业登记和中标数据可以导出为 FollowTheMoney 实体")
    audit_record(actor=actor, action="registries.ftm_export", obj=snapshot, request=request,
                 extra={"include_id_numbers": include_id_numbers})  # fmt: skip
    return _snapshot_entities(snapshot, include_id_numbers)


def _snapshot_entities(snapshot: Snapshot, include_id_numbers: bool) -> Iterator[dict]:
    seen: set[str] = set()

    def once(e):
        if e.id not in seen:
            seen.add(e.id)
            yield e.to_dict()

    if snapshot.source.kind == SourceKind.COMPANY:
        roles = (
            CompanyRole.objects.filter(snapshot=snapshot)
            .select_related("person", "company", "snapshot__source")
            .order_by("id")
        )
        for role in roles.iterator(chunk_size=2000):
            pe = _registry_person_entity(role.person, include_id_numbers=include_id_numbers)
            ce = _company_entity(role.company)
            yield from once(pe)
            yield from once(ce)
            yield from once(_role_entity(role, pe, ce))
    else:
        awards = (
            Award.objects.filter(snapshot=snapshot)
            .select_related("winner", "snapshot__source")
            .order_by("id")
        )
        for award in awards.iterator(chunk_size=2000):
            ce = _company_entity(award.winner)
            yield from once(ce)
            for e in _award_entities(award, ce):
                yield from once(e)


def cadre_entities(cadre, *, actor, links: Iterable[tuple[object, int]] = (), include_id_numbers: bool = False,
                   request=None) -> Iterator[dict]:  # fmt: skip
    """FtM entities for one cadre: the cadre, the relatives (Family edges) and, for each link
    (subject, registry_person_id) that the matching app confirmed — subject being the cadre or one
    of the relatives — the registry person's company roles and the awards of those companies,
    attached to the subject's own entity. The caller checks the user may see the cadre's file."""
    from qinglian.registries.selectors import rows_for_persons

    links = list(links)
    subjects = {}
    ce = _person_entity(
        f"cadre:{cadre.pk}", name=cadre.name, birth_date=cadre.birth_date, gender=cadre.gender,
        id_number=reveal(cadre.id_number_enc) if include_id_numbers and cadre.id_number_enc else "",
    )  # fmt: skip
    if getattr(cadre, "post_title", ""):
        ce.add("position", cadre.post_title)
    subjects[("cadre", cadre.pk)] = ce
    out = [ce]
    for rel in cadre.relatives.all():
        re_ = _person_entity(
            f"relative:{rel.pk}", name=rel.name, birth_date=rel.birth_date,
            id_number=reveal(rel.id_number_enc) if include_id_numbers and rel.id_number_enc else "",
        )  # fmt: skip
        fam = _entity("Family", cadre.pk, rel.pk)
        fam.add("person", ce.id)
        fam.add("relative", re_.id)
        fam.add("relationship", rel.get_relation_display())
        subjects[("relative", rel.pk)] = re_
        out += [re_, fam]
    rows = rows_for_persons(
        [pid for _, pid in links], actor=actor, reason="FollowTheMoney 导出", request=request
    )
    for subject, person_id in links:
        key = ("cadre", subject.pk) if subject.__class__.__name__ == "Cadre" else ("relative", subject.pk)
        pe = subjects.get(key)
        found = rows.get(person_id)
        if pe is None or found is None:
            continue
        for role in found.roles:
            co = _company_entity(role.company)
            out += [co, _role_entity(role, pe, co)]
            for award in role.company.won:
                out += _award_entities(award, co)
    audit_record(actor=actor, action="registries.ftm_export_cadre", obj=cadre, person_id=cadre.pk, request=request,
                 extra={"links": len(links), "include_id_numbers": include_id_numbers})  # fmt: skip
    seen: set[str] = set()
    for e in out:
        if e.id not in seen:
            seen.add(e.id)
            yield e.to_dict()


def write_jsonl(entities: Iterable[dict], fh) -> int:
    n = 0
    for e in entities:
        fh.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
        n += 1
    return n


# --- import ----------------------------------------------------------------------------------

NODE_SCHEMATA = ("Person", "LegalEntity", "Company", "Organization", "PublicBody")
COMPANY_HEADERS = ["company_name", "credit_code", "industry_code", "company_address", "person_name", "id_number",
                   "birth_date", "gender", "place", "role", "title", "share_pct", "start_date", "end_date"]  # fmt: skip
AWARD_HEADERS = ["buyer_name", "winner_name", "winner_credit_code", "project_name", "project_number", "amount",
                 "award_date"]  # fmt: skip


def _first(e, prop: str) -> str:
    return e.first(prop, quiet=True) or "" if e is not None else ""


@contextmanager
def open_ftm(path: Path, *, kind: str) -> Iterator[Table]:
    """A Table over an FtM JSON-lines file: one row per Ownership / Directorship (company kind)
    or per ContractAward (procurement kind), with the kind's standard headers. A line that is not
    a valid entity, or a relationship whose ends are missing, is an excluded row."""
    if kind not in (SourceKind.COMPANY, SourceKind.PROCUREMENT):
        raise FileRefused("FollowTheMoney 文件只能导入企业登记或中标数据源")
    nodes: dict[str, object] = {}
    edges: list[tuple[int, object]] = []
    bad: list[tuple[int, str]] = []
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                e = model.get_proxy(json.loads(line), cleaned=False)
            except (ValueError, InvalidData, TypeError, AttributeError) as exc:
                bad.append((number, f"不是有效的 FollowTheMoney 实体（{type(exc).__name__}）"))
                continue
            if e.id is None:
                bad.append((number, "实体缺少 id"))
            elif e.schema.name in ("Ownership", "Directorship", "ContractAward"):
                edges.append((number, e))
            elif e.schema.name in ("Contract",) or any(e.schema.is_a(s) for s in NODE_SCHEMATA):
                nodes[e.id] = e
    headers = [header_of(kind, h) for h in (COMPANY_HEADERS if kind == SourceKind.COMPANY else AWARD_HEADERS)]

    def company_row(e, person, company, role: str, share: str) -> list:
        return [_first(company, "name"), _first(company, "registrationNumber") or _first(company, "taxNumber"),
                _first(company, "classification"), _first(company, "address"), _first(person, "name"),
                _first(person, "idNumber"), _first(person, "birthDate"),
                GENDER_LABEL.get(_first(person, "gender"), ""), _first(person, "address"), role,
                _first(e, "role"), share, _first(e, "startDate"), _first(e, "endDate")]  # fmt: skip

    def rows():
        for number, reason in bad:
            yield number, RowError(number, "", "", reason)
        for number, e in edges:
            name = e.schema.name
            if kind == SourceKind.COMPANY and name in ("Ownership", "Directorship"):
                person = nodes.get(_first(e, "owner" if name == "Ownership" else "director"))
                company = nodes.get(_first(e, "asset" if name == "Ownership" else "organization"))
                if person is None or company is None or person.schema.name != "Person":
                    yield (
                        number,
                        RowError(number, "", "", "关系两端的人员或企业不在文件中（或一端不是自然人）"),
                    )
                    continue
                if name == "Ownership":
                    role, share = "股东", _first(e, "percentage")
                else:
                    # A Directorship is a director-type post: a title we do not know (or none)
                    # counts as 董事, and the title itself is kept as written.
                    role = _first(e, "role")
                    if role not in ROLE_LOOKUP:
                        role = "董事"
                    share = ""
                yield number, company_row(e, person, company, role, share)
            elif kind == SourceKind.PROCUREMENT and name == "ContractAward":
                supplier = nodes.get(_first(e, "supplier"))
                contract = nodes.get(_first(e, "contract"))
                buyer = nodes.get(_first(contract, "authority")) if contract is not None else None
                if supplier is None or contract is None or buyer is None:
                    yield number, RowError(number, "", "", "中标关系的供应商、合同或采购单位不在文件中")
                    continue
                yield number, [_first(buyer, "name"), _first(supplier, "name"),
                               _first(supplier, "registrationNumber") or _first(supplier, "taxNumber"),
                               _first(contract, "title"), _first(contract, "procedureNumber"),
                               _first(e, "amount") or _first(contract, "amount"),
                               _first(e, "date") or _first(contract, "contractDate")]  # fmt: skip

    yield Table(headers, rows(), len(edges) + len(bad), "UTF-8（FtM）")
