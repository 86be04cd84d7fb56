"""Checked fetches of spot-check objects: staff by the object's unit and their declarations scope;
the cadre his own checks (through Cadre.user). Outside: 404 (existence is not disclosed)."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.spotchecks.models import AgencyRequest, SampleRound, SpotCheck


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("记录不存在") from None


def access_check(user, check_id, capability: str = "declarations.check") -> SpotCheck:
    check = SpotCheck.objects.select_related("cadre", "unit", "round", "entry", "decided_by").filter(
        pk=_pk(check_id)).first()  # fmt: skip
    if check is None or not scope(user, capability).contains(check.unit):
        raise Http404("核查记录不存在")
    return check


def access_own_check(user, check_id) -> SpotCheck:
    """The cadre's own check, once it asks for an explanation (before that, nothing is shown)."""
    check = SpotCheck.objects.select_related("cadre", "unit").filter(pk=_pk(check_id)).first()
    if (
        check is None
        or not user.is_authenticated
        or check.cadre.user_id != user.pk
        or not scope(user, "declarations.own").self_only
        or check.status in (SpotCheck.Status.OPEN, SpotCheck.Status.CANCELLED)
    ):
        raise Http404("核查记录不存在")
    return check


def access_round(user, round_id, capability: str = "declarations.check") -> SampleRound:
    rnd = (
        SampleRound.objects.select_related("scope_unit", "drawn_by", "replaces")
        .filter(pk=_pk(round_id))
        .first()
    )
    if rnd is None or not scope(user, capability).contains(rnd.scope_unit):
        raise Http404("抽查批次不存在")
    return rnd


def access_request(user, request_id, capability: str = "declarations.check") -> AgencyRequest:
    req = (
        AgencyRequest.objects.select_related("issuing_unit", "created_by").filter(pk=_pk(request_id)).first()
    )
    if req is None or not scope(user, capability).contains(req.issuing_unit):
        raise Http404("查询委托不存在")
    return req
