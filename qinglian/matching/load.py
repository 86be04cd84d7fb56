"""Load the rules' frames (rules.SCHEMAS) and the engine's inputs from the database, set-based.

The registry side comes from the registries app's bulk selectors (each call audited there); the
platform side from plain `values_list` queries. Left ids for the engine encode the subject:
`2 * cadre_id` for a cadre, `2 * relative_id + 1` for a relative (`subject_of`).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import Q

from qinglian.matching import rules as R
from qinglian.matching.models import SectorMapping, UnitRegion
from qinglian.people.models import POST_LEVEL_ORDER, Cadre, Post, Relative, Unit

LEFT_SCHEMA = {"id": pl.Int64, "name": pl.Utf8, "id_hash": pl.Utf8, "birth_date": pl.Date, "county": pl.Utf8,
               "gender": pl.Utf8}  # fmt: skip
LEADER_FROM = POST_LEVEL_ORDER["deputy_section"]


def left_id(subject: str, pk: int) -> int:
    return 2 * pk + (1 if subject == "relative" else 0)


def subject_of(left: int) -> tuple[str, int]:
    return ("relative", left // 2) if left % 2 else ("cadre", left // 2)


def _frame(rows, schema: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=list(schema.items()), orient="row")


def platform_frames(frames: R.Frames, *, cadre_ids: set[int] | None = None) -> None:
    cadres = Cadre.objects.all()
    cadre_rows = list(
        cadres.values_list(
            "pk", "name", "unit_id", "post_level", "is_leadership_member", "status", "status_date"
        )
    )
    frames["cadres"] = R.conform("cadres", _frame(
        [(pk, n, u, lvl, bool(lead) or POST_LEVEL_ORDER.get(lvl, -1) >= LEADER_FROM, st, sd)
         for pk, n, u, lvl, lead, st, sd in cadre_rows],
        R.SCHEMAS["cadres"],
    ))  # fmt: skip
    frames["relatives"] = _frame(
        Relative.objects.values_list("pk", "cadre_id", "relation", "name"), R.SCHEMAS["relatives"]
    )
    frames["units"] = _frame(
        Unit.objects.values_list("pk", "name", "parent_id", "supervisor_id", "sector"), R.SCHEMAS["units"]
    )
    frames["posts"] = _frame(
        Post.objects.values_list("cadre_id", "unit_id", "start_date", "end_date"), R.SCHEMAS["posts"]
    )
    frames["sector_map"] = _frame(
        SectorMapping.objects.values_list("industry_prefix", "sector"), R.SCHEMAS["sector_map"]
    )
    frames["unit_regions"] = _frame(
        UnitRegion.objects.values_list("unit_id", "region_code"), R.SCHEMAS["unit_regions"]
    )
    _archive_frames(frames)


def _archive_frames(frames: R.Frames) -> None:
    """What the archive already holds (external.* entries by source reference) and what the
    declarations say (reporters' latest submitted versions: businesses and properties)."""
    from qinglian.archive.models import ArchiveEntry

    recorded = ArchiveEntry.objects.filter(kind__code__startswith="external.", person__isnull=False,
                                           voided_at__isnull=True).exclude(source_reference="")  # fmt: skip
    frames["recorded"] = _frame(recorded.values_list("person_id", "source_reference"), R.SCHEMAS["recorded"])
    from django.utils import timezone

    from qinglian.declarations.selectors import latest_submitted_many, reporters

    ids = list(reporters(timezone.localdate()).values_list("pk", flat=True))
    latest = latest_submitted_many(ids)
    rep, biz, props = [], [], []
    for cadre_id, version in latest.items():
        rep.append((cadre_id, version.pk))
        for item in version.item_rows:
            data = item.data or {}
            if item.kind == "family_business" and data.get("credit_code"):
                biz.append((cadre_id, str(data["credit_code"]).strip().upper()))
            elif item.kind == "real_estate" and data.get("address"):
                props.append((cadre_id, str(data["address"])))
    frames["reporters"] = _frame(rep, R.SCHEMAS["reporters"])
    frames["declared_businesses"] = _frame(biz, R.SCHEMAS["declared_businesses"])
    frames["declared_properties"] = _frame(props, R.SCHEMAS["declared_properties"])


def left_frame(*, cadre_ids: set[int] | None = None) -> pl.DataFrame:
    """Cadres and relatives for the engine (all, or those of `cadre_ids`)."""
    cq, rq = Q(), Q()
    if cadre_ids is not None:
        cq, rq = Q(pk__in=sorted(cadre_ids)), Q(cadre_id__in=sorted(cadre_ids))
    rows = [
        (2 * pk, name, h or None, b, None, g or None)
        for pk, name, h, b, g in Cadre.objects.filter(cq).values_list("pk", "name", "id_number_hash", "birth_date",
                                                                      "gender").iterator(chunk_size=20_000)
    ]  # fmt: skip
    rows += [
        (2 * pk + 1, name, h or None, b, None, None)
        for pk, name, h, b in Relative.objects.filter(rq).values_list("pk", "name", "id_number_hash", "birth_date")
        .iterator(chunk_size=20_000)
    ]  # fmt: skip
    return _frame(rows, LEFT_SCHEMA)


def registry_frames(frames: R.Frames, *, actor=None) -> tuple[pl.DataFrame, dict]:
    """The registry side: the engine's right frame, the rules' registry frames, and the inputs
    (current snapshot ids with their source and date) a run records."""
    from qinglian.registries import selectors as S
    from qinglian.registries.models import Snapshot

    persons = S.persons_frame(actor=actor)
    right = persons.select(
        pl.col("person_id").alias("id"), "name", pl.col("id_number_hash").alias("id_hash"), "birth_date",
        pl.when(pl.col("region_code") == "").then(None).otherwise(pl.col("region_code")).alias("county"),
        pl.when(pl.col("gender") == "").then(None).otherwise(pl.col("gender")).alias("gender"),
    )  # fmt: skip
    frames["persons"] = R.conform(
        "persons", persons.rename({"person_id": "registry_person_id", "row_number": "row_no"})
    )
    roles = S.company_roles_frame(actor=actor)
    frames["roles"] = R.conform(
        "roles", roles.rename({"person_id": "registry_person_id", "row_number": "row_no"})
    )
    frames["companies"] = R.conform("companies", roles.select(
        "company_id", pl.col("company_name").alias("name"), "credit_code", "industry_code",
        pl.col("company_region_code").alias("region_code"), "snapshot_id",
    ).unique(subset=["company_id"], keep="first"))  # fmt: skip
    awards = S.awards_frame(actor=actor)
    # The award's stable reference: its project number where the row has one, else its date and
    # project name (row ids change with every snapshot; awards without a number must not collapse).
    by_name = pl.format("{}:{}", pl.col("award_date"), pl.col("project_name").str.slice(0, 80))
    ref = (pl.when(pl.col("project_number").fill_null("") != "").then(pl.col("project_number")).otherwise(by_name)
           if "project_number" in awards.columns else by_name)  # fmt: skip
    frames["awards"] = R.conform("awards", awards.with_columns(ref.alias("reference")).rename(
        {"project_name": "title", "row_number": "row_no"}))  # fmt: skip
    vehicles = S.records_frame("vehicle", actor=actor)
    frames["offences"] = R.conform("offences", vehicles.filter(pl.col("offence_type") != "").select(
        pl.col("id").alias("offence_id"), pl.col("person_id").alias("registry_person_id"),
        pl.col("offence_type").alias("kind"),
        pl.when(pl.col("decision_number") == "").then(pl.format("{}-{}", "snapshot_id", "row_number"))
        .otherwise(pl.col("decision_number")).alias("reference"),
        pl.col("record_date").alias("offence_date"), "snapshot_id", pl.col("row_number").alias("row_no"),
    ))  # fmt: skip
    court = S.records_frame("court", actor=actor)
    frames["judgments"] = R.conform("judgments", court.filter(pl.col("kind") == "judgment").select(
        pl.col("id").alias("judgment_id"), pl.col("person_id").alias("registry_person_id"),
        pl.col("case_number").alias("case_no"), "cause", "party_role", pl.col("record_date").alias("judgment_date"),
        "snapshot_id", pl.col("row_number").alias("row_no"),
    ))  # fmt: skip
    props = S.records_frame("property", actor=actor)
    frames["properties"] = R.conform("properties", props.select(
        pl.col("id").alias("property_id"), pl.col("person_id").alias("registry_person_id"), "address",
        pl.when(pl.col("certificate_number") == "").then(pl.format("{}-{}", "snapshot_id", "row_number"))
        .otherwise(pl.col("certificate_number")).alias("reference"),
        "snapshot_id", pl.col("row_number").alias("row_no"),
    ))  # fmt: skip
    snaps = list(Snapshot.objects.filter(status="current").select_related("source").order_by("pk"))
    frames.snapshots = {s.pk: f"{s.source.name} {s.data_date:%Y-%m-%d}" for s in snaps}
    inputs = {"snapshots": {str(s.pk): frames.snapshots[s.pk] for s in snaps}}
    return right, inputs


def tables_digest(frames: R.Frames) -> str:
    """A digest of the editable tables and the unit tree the rules read: an incremental run whose
    base saw other tables is a full run."""
    import hashlib

    h = hashlib.sha256()
    for name in ("sector_map", "unit_regions", "units"):
        frame = frames[name]
        h.update(frame.sort(frame.columns).write_csv().encode())
    return h.hexdigest()


def as_of_default() -> date:
    from django.utils import timezone

    return timezone.localdate()
