from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.accounts import services
from qinglian.accounts.models import RoleAssignment, User
from qinglian.accounts.scopes import capabilities, scope
from qinglian.people.models import Unit


def visible(user, cap="units.view"):
    return set(Unit.objects.filter(scope(user, cap).units_q()).values_list("code", flat=True))


def test_township_committee_sees_its_township_and_villages_only(tree, make_user):
    user = make_user("township_committee", tree.township)
    assert visible(user) == {"A-T1", "A-T1-JW", "A-T1-V1"}


def test_stationed_group_sees_the_departments_it_is_stationed_in(tree, make_user):
    user = make_user("stationed_group", tree.pz1)
    assert visible(user, "people.view") == {"A-D1", "A-D2"}


def test_county_role_does_not_see_the_other_county(tree, make_user):
    user = make_user("discipline_supervision", tree.county_a)
    codes = visible(user)
    assert "A-D3" in codes and "B-D1" not in codes and "R" not in codes


def test_inspected_unit_contact_sees_only_its_own_unit(tree, make_user):
    assert visible(make_user("inspected_unit_contact", tree.dept_a1)) == {"A-D1"}


def test_inspection_team_sees_its_round_targets_only_during_the_round(tree, make_user):
    user = make_user("inspection_team")
    now = timezone.now()
    services.scope_grant(
        actor=None,
        user=user,
        role="inspection_team",
        unit=tree.dept_a3,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=30),
        reason="第一轮巡察",
        source="2026-1",
    )
    services.scope_grant(
        actor=None,
        user=user,
        role="inspection_team",
        unit=tree.dept_b1,
        valid_from=now - timedelta(days=60),
        valid_until=now - timedelta(days=30),
        reason="上一轮巡察（已结束）",
    )
    assert visible(user, "people.view") == {"A-D3"}


def test_revoked_and_expired_assignments_give_nothing(tree, make_user, db):
    user = make_user("leadership", tree.county_a)
    a = RoleAssignment.objects.get(user=user)
    RoleAssignment.objects.filter(pk=a.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    user.refresh_from_db()
    assert visible(user) == set()
    assert capabilities(user) == frozenset()


def test_sysadmin_never_holds_a_sealed_capability(tree, make_user):
    caps = capabilities(make_user("sysadmin", tree.root))
    assert not {c for c in caps if c.startswith("sealed.") or c == "idnumber.reveal"}


def test_sealed_role_waits_for_a_second_approver(tree, make_user):
    admin = make_user("sysadmin", tree.root)
    officer = make_user("security_officer")
    target = make_user(unit=tree.jw_a)
    pending = services.role_assign(
        actor=admin, user=target, role="petitions_intake", anchor=tree.county_a, reason="信访室新进人员"
    )
    assert pending.status == "pending"
    assert "sealed.reporter_identity" not in capabilities(target)
    services.role_decide(actor=officer, assignment=pending, approve=True)
    assert "sealed.reporter_identity" in capabilities(User.objects.get(pk=target.pk))


def test_administrator_cannot_give_itself_a_sealed_role(tree, make_user):
    admin = make_user("sysadmin", tree.root)
    with pytest.raises(PermissionDenied):
        services.role_assign(actor=admin, user=admin, role="case_management", anchor=tree.root, reason="自己")


def test_requester_cannot_approve_own_request(tree, make_user):
    admin = make_user("sysadmin", tree.root)
    services.role_assign(actor=None, user=admin, role="security_officer", reason="兼任")
    target = make_user(unit=tree.jw_a)
    pending = services.role_assign(
        actor=admin, user=target, role="case_management", anchor=tree.root, reason="x"
    )
    with pytest.raises(PermissionDenied):
        services.role_decide(actor=admin, assignment=pending, approve=True)


def test_sealed_role_needs_a_reason(tree, make_user):
    admin = make_user("sysadmin", tree.root)
    target = make_user(unit=tree.jw_a)
    with pytest.raises(ValidationError) as exc:
        services.role_assign(actor=admin, user=target, role="case_management", anchor=tree.root, reason=" ")
    assert "reason" in exc.value.message_dict
