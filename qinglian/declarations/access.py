"""Checked fetches of personal-matters reports. Details are sealed: the cadre reads his or her own;
staff need declarations.view and sealed.personal_matters (org_supervision) over the cadre's unit.
Anyone else gets 404 (existence is not disclosed). Every staff read of details is audited."""

from __future__ import annotations

from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.audit.services import audit_record
from qinglian.declarations.models import Declaration
from qinglian.people.models import Cadre

DETAIL_CAPABILITIES = ("declarations.view", "sealed.personal_matters")


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("报告不存在") from None


def own_cadre(user) -> Cadre | None:
    """The cadre record of a cadre_self user (None when the account is not linked to one)."""
    if not user.is_authenticated or not scope(user, "declarations.own").self_only:
        return None
    return Cadre.objects.select_related("unit").filter(user=user).first()


def staff_may_read_details(user, cadre: Cadre) -> bool:
    return all(scope(user, c).contains(cadre.unit) for c in DETAIL_CAPABILITIES)


def access_own_declaration(user, declaration_id) -> Declaration:
    """The signed-in cadre's own report (draft or submitted)."""
    d = (
        Declaration.objects.select_related("cadre__unit", "previous")
        .filter(pk=_pk(declaration_id), cadre__user=user)
        .first()
    )
    if d is None or not user.is_authenticated or not scope(user, "declarations.own").self_only:
        raise Http404("报告不存在")
    return d


def access_declaration(user, declaration_id, *, request=None, audit: bool = True) -> Declaration:
    """A submitted report for staff allowed to read its details (audited), or the cadre's own."""
    d = (
        Declaration.objects.select_related("cadre__unit", "previous", "submitted_by")
        .filter(pk=_pk(declaration_id))
        .first()
    )
    if d is None:
        raise Http404("报告不存在")
    own = user.is_authenticated and d.cadre.user_id == user.pk and scope(user, "declarations.own").self_only
    if own:
        return d
    if d.status != Declaration.Status.SUBMITTED or not staff_may_read_details(user, d.cadre):
        raise Http404("报告不存在")
    if audit:
        audit_record(actor=user, action="declaration.view", obj=d, person_id=d.cadre_id, unit_id=d.cadre.unit_id,
                     request=request, reason="查阅个人有关事项报告内容")  # fmt: skip
    return d
