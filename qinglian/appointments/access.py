"""Checked fetches of appointment records: by the record's unit and the user's scope for the
capability. Outside the scope: 404 (existence is not disclosed)."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.appointments.models import AnnualReview, AppointmentCase, Candidate, Stage, StageDocument
from qinglian.people.models import Cadre


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None
    if not 0 < pk < 2**62:
        raise Http404("记录不存在")
    return pk


def access_case(user, case_id, capability: str = "appointments.view") -> AppointmentCase:
    case = AppointmentCase.objects.select_related("unit", "created_by").filter(pk=_pk(case_id)).first()
    if case is None or not scope(user, capability).contains(case.unit):
        raise Http404("纪实不存在")
    return case


def access_stage(user, stage_id, capability: str = "appointments.manage") -> Stage:
    stage = Stage.objects.select_related("case", "case__unit").filter(pk=_pk(stage_id)).first()
    if stage is None or not scope(user, capability).contains(stage.case.unit):
        raise Http404("环节不存在")
    return stage


def access_candidate(user, candidate_id, capability: str = "appointments.manage") -> Candidate:
    c = (
        Candidate.objects.select_related("case", "case__unit", "cadre", "cadre__unit")
        .filter(pk=_pk(candidate_id))
        .first()
    )
    if c is None or not scope(user, capability).contains(c.case.unit):
        raise Http404("人选不存在")
    return c


def access_document(user, document_id, capability: str = "appointments.view") -> StageDocument:
    doc = StageDocument.objects.select_related("stage__case__unit").filter(pk=_pk(document_id)).first()
    if doc is None or not scope(user, capability).contains(doc.stage.case.unit):
        raise Http404("材料不存在")
    return doc


def access_review(user, review_id, capability: str = "appointments.view") -> AnnualReview:
    review = AnnualReview.objects.select_related("unit", "created_by").filter(pk=_pk(review_id)).first()
    if review is None or not scope(user, capability).contains(review.unit):
        raise Http404("记录不存在")
    return review


def access_cadre(user, cadre_id, capability: str = "appointments.manage") -> Cadre:
    cadre = Cadre.objects.select_related("unit").filter(pk=_pk(cadre_id)).first()
    if cadre is None or not scope(user, capability).contains(cadre.unit):
        raise Http404("人员不存在")
    return cadre
