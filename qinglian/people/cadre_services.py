"""Writes on cadres, their posts and relatives. Atomic, validated, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.core.crypto import keyed_hash
from qinglian.people.identity import id_fields, name_tokens, reveal, tail_hashes
from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative
from qinglian.people.signals import announce_cadres_changed

CADRE_FIELDS = [
    "name", "gender", "ethnicity", "birth_date", "party_member", "party_join_date", "education", "unit",
    "post_title", "post_level", "rank", "is_leadership_member", "is_top_leader", "is_key_post",
    "is_law_enforcement", "is_judicial", "is_dual_role", "managing_body", "employment_type", "status",
    "status_date", "phone", "review_note",
]  # fmt: skip
POST_FIELDS = ("unit", "post_title", "post_level")


def _check_scope(actor, unit) -> None:
    if actor is not None and not scope(actor, "people.manage").contains(unit):
        raise PermissionDenied("该单位不在您的管理范围内")


def _check_rules(data: dict) -> None:
    if data.get("is_dual_role") and data["unit"].kind != "village":
        raise ValidationError({"is_dual_role": "一肩挑只适用于村（社区）干部"})


# A change of any of these rewrites the cadre's search tokens (which carry copies of them).
TOKEN_SOURCE_FIELDS = ("name", "unit", "status")


def search_tokens(cadre: Cadre) -> list[CadreSearchToken]:
    """The cadre's search tokens, each with the copies of name, unit path and status it carries."""
    return [
        CadreSearchToken(
            cadre=cadre, token=t, name=cadre.name, unit_path=cadre.unit.path, status=cadre.status
        )
        for t in sorted(name_tokens(cadre.name))
    ]


@transaction.atomic
def cadre_create(*, actor, data: dict, request=None) -> Cadre:
    """`data` is cleaned by `CadreFieldsForm` (id_number is a parsed IdNumber)."""
    _check_scope(actor, data["unit"])
    _check_rules(data)
    parsed = data["id_number"]
    if Cadre.objects.filter(id_number_hash=keyed_hash(parsed.number)).exists():
        raise ValidationError({"id_number": "该身份证号已在干部库中"})
    cadre = Cadre(
        **{f: data[f] for f in CADRE_FIELDS if f in data}, **id_fields(parsed), **tail_hashes(parsed.number)
    )
    cadre.search_text = " ".join(sorted(name_tokens(cadre.name)))[:255]
    cadre.save()
    CadreSearchToken.objects.bulk_create(search_tokens(cadre))
    Post.objects.create(
        cadre=cadre,
        unit=cadre.unit,
        title=cadre.post_title or "—",
        level=cadre.post_level,
        start_date=data.get("post_start_date") or timezone.localdate(),
    )
    announce_cadres_changed([cadre.pk])
    audit_record(
        actor=actor,
        action="cadre.create",
        obj=cadre,
        person_id=cadre.pk,
        unit_id=cadre.unit_id,
        request=request,
    )
    return cadre


@transaction.atomic
def cadre_update(
    *, actor, cadre: Cadre, data: dict, reason: str = "", change_date: date | None = None, request=None
) -> Cadre:
    """Update a cadre. A change of unit, title or level closes the current post and opens a new one."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    _check_scope(actor, cadre.unit)
    _check_scope(actor, data["unit"])
    _check_rules(data)
    parsed = data.get("id_number")
    if parsed is not None and keyed_hash(parsed.number) != cadre.id_number_hash:
        if Cadre.objects.filter(id_number_hash=keyed_hash(parsed.number)).exclude(pk=cadre.pk).exists():
            raise ValidationError({"id_number": "该身份证号已属于另一名干部"})
        for field, value in {**id_fields(parsed), **tail_hashes(parsed.number)}.items():
            setattr(cadre, field, value)
    before = {f: getattr(cadre, f"{f}_id" if f == "unit" else f) for f in CADRE_FIELDS}
    post_changed = any(getattr(cadre, f) != data[f] for f in POST_FIELDS if f in data)
    for f in CADRE_FIELDS:
        if f in data:
            setattr(cadre, f, data[f])
    changed = {
        f: str(before[f])
        for f in CADRE_FIELDS
        if before[f] != getattr(cadre, f"{f}_id" if f == "unit" else f)
    }
    if not changed and parsed is None:
        return cadre
    cadre.search_text = " ".join(sorted(name_tokens(cadre.name)))[:255]
    cadre.save()
    if any(f in changed for f in TOKEN_SOURCE_FIELDS):
        CadreSearchToken.objects.filter(cadre=cadre).delete()
        CadreSearchToken.objects.bulk_create(search_tokens(cadre))
    if post_changed:
        when = change_date or data.get("post_start_date") or timezone.localdate()
        current = Post.objects.filter(cadre=cadre, end_date__isnull=True).order_by("-start_date").first()
        if current and when < current.start_date:
            raise ValidationError(
                {"post_start_date": f"新职务的任职时间不能早于现职任职时间（{current.start_date:%Y-%m-%d}）"}
            )
        Post.objects.filter(cadre=cadre, end_date__isnull=True).update(end_date=when)
        Post.objects.create(
            cadre=cadre,
            unit=cadre.unit,
            title=cadre.post_title or "—",
            level=cadre.post_level,
            start_date=when,
        )
    announce_cadres_changed([cadre.pk])
    audit_record(
        actor=actor,
        action="cadre.update",
        obj=cadre,
        person_id=cadre.pk,
        unit_id=cadre.unit_id,
        reason=reason,
        request=request,
        extra={"changed": sorted(changed)},
    )
    return cadre


def cadre_reveal_id(*, actor, cadre: Cadre, reason: str, request=None) -> str:
    """The full ID number, for a role allowed to see it, with a reason; always audited."""
    if not has_capability(actor, "idnumber.reveal") or not scope(actor, "idnumber.reveal").contains(
        cadre.unit
    ):
        raise PermissionDenied("您的角色无权查看完整身份证号")
    if not reason or len(reason.strip()) < 2:
        raise ValidationError({"reason": "查看完整身份证号必须填写事由"})
    audit_record(
        actor=actor,
        action="idnumber.reveal",
        obj=cadre,
        person_id=cadre.pk,
        unit_id=cadre.unit_id,
        reason=reason.strip(),
        request=request,
    )
    return reveal(cadre.id_number_enc)


@transaction.atomic
def relative_save(
    *, actor, cadre: Cadre, data: dict, relative: Relative | None = None, request=None
) -> Relative:
    _check_scope(actor, cadre.unit)
    parsed = data.get("id_number")
    fields = {k: data.get(k) for k in (
        "relation", "name", "birth_date", "employer_unit", "employer_credit_code", "employer_name", "job",
        "abroad", "emigrated", "source", "source_date")}  # fmt: skip
    for k in ("employer_credit_code", "employer_name", "job"):
        fields[k] = fields[k] or ""
    for k in ("abroad", "emigrated"):
        fields[k] = bool(fields[k])
    if relative is None:
        relative = Relative(cadre=cadre)
    for k, v in fields.items():
        setattr(relative, k, v)
    if parsed is not None:
        idf = id_fields(parsed)
        relative.id_number_enc, relative.id_number_hash, relative.id_masked = (
            idf["id_number_enc"], idf["id_number_hash"], idf["id_masked"])  # fmt: skip
    adding = relative.pk is None
    relative.save()
    audit_record(
        actor=actor,
        action="relative.create" if adding else "relative.update",
        obj=relative,
        person_id=cadre.pk,
        unit_id=cadre.unit_id,
        request=request,
    )
    return relative
