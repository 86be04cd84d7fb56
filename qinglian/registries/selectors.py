"""Reads of registry rows for other apps (matching) and this app's pages.

Registry rows describe people who are not cadres: every function that returns rows records one
audit event per call (`registries.read` for rows shown to a user, `registries.bulk_read` for a
batch job's set-based read). Only rows of each source's *current* snapshot are returned.

Bulk reads for the linkage and the rules return Polars frames built from one SQL query each
(no ORM objects): `persons_frame`, `company_roles_frame`, `awards_frame`, `records_frame`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from django.db import connection
from django.db.models import Count, QuerySet

from qinglian.audit.services import audit_record
from qinglian.registries.models import (
    Award,
    Company,
    CompanyRole,
    CourtRecord,
    PropertyRecord,
    RawRow,
    RegistryPerson,
    Snapshot,
    SocialOrgPost,
    Source,
    VehicleRecord,
)

CURRENT = Snapshot.Status.CURRENT


def current_snapshots() -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(status=CURRENT).select_related("source")


def current_snapshot_ids(*, kind: str | None = None) -> list[int]:
    qs = Snapshot.objects.filter(status=CURRENT)
    if kind:
        qs = qs.filter(source__kind=kind)
    return list(qs.values_list("id", flat=True))


def source_list() -> QuerySet[Source]:
    """Sources with their current snapshot's figures (metadata only: no registry rows)."""
    return Source.objects.select_related("agency").annotate(snapshot_count=Count("snapshots"))


def snapshot_list(*, source: Source | None = None) -> QuerySet[Snapshot]:
    qs = Snapshot.objects.select_related("source", "source__agency", "imported_by")
    return qs.filter(source=source) if source is not None else qs


def _audit_bulk(actor, what: str, count: int, extra: dict | None = None) -> None:
    audit_record(
        actor=actor,
        action="registries.bulk_read",
        obj=("registries.snapshot", "current", what),
        extra={"what": what, "rows": count, **(extra or {})},
    )


def _frame(sql: str, params: list, schema: dict) -> pl.DataFrame:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _current_ids_sql() -> str:
    t = Snapshot._meta.db_table
    return f"SELECT id FROM {t} WHERE status = 'current'"  # noqa: S608


PERSON_SCHEMA = {
    "person_id": pl.Int64,
    "snapshot_id": pl.Int64,
    "row_number": pl.Int64,
    "source_kind": pl.Utf8,
    "name": pl.Utf8,
    "id_number_hash": pl.Utf8,
    "birth_date": pl.Date,
    "gender": pl.Utf8,
    "region_code": pl.Utf8,
    "place": pl.Utf8,
}


def persons_frame(*, actor=None, kinds: Iterable[str] | None = None) -> pl.DataFrame:
    """Every registry person of the current snapshots, for the linkage engine: one row per person
    with its snapshot and file row (provenance), the keyed ID hash (null when the registry gave no
    ID), name, birth date, gender, region code (first 6 digits of the ID, or the county code given)
    and place."""
    p, s, src = RegistryPerson._meta.db_table, Snapshot._meta.db_table, Source._meta.db_table
    params: list = []
    kind_sql = ""
    if kinds:
        kinds = list(kinds)
        kind_sql = f" AND src.kind IN ({', '.join(['%s'] * len(kinds))})"
        params += kinds
    sql = (
        f"SELECT p.id, p.snapshot_id, p.row_number, src.kind, p.name, p.id_number_hash, p.birth_date, p.gender, "  # noqa: S608
        f"p.region_code, p.place FROM {p} p JOIN {s} s ON s.id = p.snapshot_id "
        f"JOIN {src} src ON src.id = s.source_id WHERE s.status = 'current'{kind_sql}"
    )
    frame = _frame(sql, params, PERSON_SCHEMA)
    _audit_bulk(actor, "persons", frame.height)
    return frame


def company_roles_frame(*, actor=None) -> pl.DataFrame:
    """Company roles of the current snapshots with their company's fields (for the rules)."""
    r, c = CompanyRole._meta.db_table, Company._meta.db_table
    sql = (
        f"SELECT r.id, r.snapshot_id, r.row_number, r.person_id, r.company_id, r.role, r.share_pct, "  # noqa: S608
        f"r.start_date, r.end_date, c.credit_code, c.name, c.industry_code, c.region_code "
        f"FROM {r} r JOIN {c} c ON c.id = r.company_id WHERE r.snapshot_id IN ({_current_ids_sql()})"
    )
    schema = {
        "role_id": pl.Int64,
        "snapshot_id": pl.Int64,
        "row_number": pl.Int64,
        "person_id": pl.Int64,
        "company_id": pl.Int64,
        "role": pl.Utf8,
        "share_pct": pl.Float64,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "credit_code": pl.Utf8,
        "company_name": pl.Utf8,
        "industry_code": pl.Utf8,
        "company_region_code": pl.Utf8,
    }
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = [(*row[:6], float(row[6]) if row[6] is not None else None, *row[7:]) for row in cur.fetchall()]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    _audit_bulk(actor, "company_roles", frame.height)
    return frame


def awards_frame(*, actor=None) -> pl.DataFrame:
    """Awards of the current snapshots. `winner_credit_code` lets a rule join winners to companies
    of another source (company registry) by credit code."""
    a, c = Award._meta.db_table, Company._meta.db_table
    sql = (
        f"SELECT a.id, a.snapshot_id, a.row_number, a.buyer_name, a.buyer_unit_id, a.winner_id, "  # noqa: S608
        f"c.credit_code, c.name, a.amount, a.award_date, a.project_name, a.project_number "
        f"FROM {a} a JOIN {c} c ON c.id = a.winner_id WHERE a.snapshot_id IN ({_current_ids_sql()})"
    )
    schema = {
        "award_id": pl.Int64,
        "snapshot_id": pl.Int64,
        "row_number": pl.Int64,
        "buyer_name": pl.Utf8,
        "buyer_unit_id": pl.Int64,
        "winner_company_id": pl.Int64,
        "winner_credit_code": pl.Utf8,
        "winner_name": pl.Utf8,
        "amount": pl.Float64,
        "award_date": pl.Date,
        "project_name": pl.Utf8,
        "project_number": pl.Utf8,
    }
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = [(*row[:8], float(row[8]), *row[9:]) for row in cur.fetchall()]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    _audit_bulk(actor, "awards", frame.height)
    return frame


RECORD_MODELS = {
    "vehicle": VehicleRecord,
    "court": CourtRecord,
    "property": PropertyRecord,
    "social_post": SocialOrgPost,
}


def records_frame(kind: str, *, actor=None) -> pl.DataFrame:
    """One frame of person-level records of the current snapshots: kind is "vehicle" (columns
    offence_type, record_date, ...), "court", "property" or "social_post"; every concrete column
    of the table is included under its column name."""
    model = RECORD_MODELS[kind]
    cols = [f.column for f in model._meta.concrete_fields]
    sql = (
        f"SELECT {', '.join(cols)} FROM {model._meta.db_table} "  # noqa: S608
        f"WHERE snapshot_id IN ({_current_ids_sql()})"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        rows = [tuple(float(v) if hasattr(v, "as_tuple") else v for v in row) for row in cur.fetchall()]
    frame = pl.DataFrame(rows, schema=cols, orient="row", infer_schema_length=None)
    _audit_bulk(actor, kind, frame.height)
    return frame


def persons_by_id_hash(hashes: Iterable[str], *, actor=None) -> QuerySet[RegistryPerson]:
    """Registry persons (current snapshots) whose keyed ID hash is one of `hashes`."""
    hashes = list(set(hashes))
    qs = RegistryPerson.objects.filter(snapshot__status=CURRENT, id_number_hash__in=hashes)
    _audit_bulk(actor, "persons_by_id_hash", len(hashes))
    return qs


def persons_by_name(names: Iterable[str], *, actor=None) -> QuerySet[RegistryPerson]:
    names = list(set(names))
    qs = RegistryPerson.objects.filter(snapshot__status=CURRENT, name__in=names)
    _audit_bulk(actor, "persons_by_name", len(names))
    return qs


@dataclass
class PersonRows:
    """Everything the current registries hold about one registry person, with provenance."""

    person: RegistryPerson
    roles: list[CompanyRole] = field(default_factory=list)  # .company; awards in .company.won
    properties: list[PropertyRecord] = field(default_factory=list)
    vehicle_records: list[VehicleRecord] = field(default_factory=list)
    court_records: list[CourtRecord] = field(default_factory=list)
    social_posts: list[SocialOrgPost] = field(default_factory=list)


def rows_for_persons(
    person_ids: Iterable[int], *, actor, reason: str = "", request=None
) -> dict[int, PersonRows]:
    """The rows of the given registry persons, for showing to a user. The CALLER decides that the
    user may see them (the matching app: persons linked to a cadre or relative in the user's
    scope). One audit event per call naming the persons. A fixed number of queries.

    Awards: for each company a person holds a role in, the awards won by a company with the same
    credit code (any current procurement snapshot) are attached as `role.company.won`."""
    ids = sorted(set(person_ids))
    persons = RegistryPerson.objects.filter(id__in=ids, snapshot__status=CURRENT).select_related(
        "snapshot", "snapshot__source"
    )
    out = {p.id: PersonRows(person=p) for p in persons}
    ids = list(out)
    if ids:
        roles = list(
            CompanyRole.objects.filter(person_id__in=ids)
            .select_related("company", "snapshot", "snapshot__source")
            .order_by("person_id", "company__name", "role")
        )
        codes = {r.company.credit_code for r in roles if r.company.credit_code}
        won: dict[str, list[Award]] = {}
        if codes:
            for award in (
                Award.objects.filter(snapshot__status=CURRENT, winner__credit_code__in=codes)
                .select_related("winner", "buyer_unit", "snapshot", "snapshot__source")
                .order_by("-award_date", "id")
            ):
                won.setdefault(award.winner.credit_code, []).append(award)
        for role in roles:
            role.company.won = won.get(role.company.credit_code, []) if role.company.credit_code else []
            out[role.person_id].roles.append(role)
        for attr, model, order in (
            ("properties", PropertyRecord, "registered_date"),
            ("vehicle_records", VehicleRecord, "record_date"),
            ("court_records", CourtRecord, "record_date"),
            ("social_posts", SocialOrgPost, "start_date"),
        ):
            for row in (
                model.objects.filter(person_id__in=ids)
                .select_related("snapshot", "snapshot__source")
                .order_by("person_id", order, "id")
            ):
                getattr(out[row.person_id], attr).append(row)
    audit_record(
        actor=actor,
        action="registries.read",
        obj=("registries.registryperson", ",".join(map(str, ids[:50])), f"{len(ids)} 名登记人员"),
        reason=reason,
        request=request,
        extra={"person_ids": ids[:1000], "count": len(ids)},
    )
    return out


def raw_row(*, snapshot_id: int, row_number: int, actor, reason: str = "", request=None) -> RawRow | None:
    """The file row a typed row came from (provenance), audited. ID numbers in it are masked."""
    row = RawRow.objects.filter(snapshot_id=snapshot_id, row_number=row_number).first()
    audit_record(
        actor=actor,
        action="registries.read_raw",
        obj=("registries.rawrow", f"{snapshot_id}#{row_number}", f"快照{snapshot_id}第{row_number}行"),
        reason=reason,
        request=request,
    )
    return row
