"""The contract other apps rely on: check_status and targeted_check_request."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.audit.models import AuditEvent
from qinglian.spotchecks.models import SpotCheck
from qinglian.spotchecks.selectors import check_status
from qinglian.spotchecks.services import targeted_check_request


@pytest.fixture
def reviewer(tree, make_user):
    return make_user("org_supervision", tree.county_a)


def test_no_check_is_state_none(tree, make_cadre):
    status = check_status(make_cadre(tree.dept_a1))
    assert status.state == "none" and status.check_id is None


def test_targeted_request_is_idempotent_while_open(tree, make_cadre, reviewer):
    cadre = make_cadre(tree.dept_a1)
    first = targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    again = targeted_check_request(actor=reviewer, cadre=cadre, reason="信访举报", source="intake:clue:9")
    assert first.pk == again.pk
    assert SpotCheck.objects.filter(cadre=cadre).count() == 1
    assert first.kind == SpotCheck.Kind.PROMOTION
    assert AuditEvent.objects.filter(action="spotchecks.targeted_joined", object_id=str(first.pk)).exists()
    status = check_status(cadre)
    assert status.state == "open" and status.check_id == first.pk
    assert "正在进行" in status.summary


def test_targeted_request_needs_reason_and_scope(tree, make_cadre, reviewer, make_user):
    cadre = make_cadre(tree.dept_a1)
    with pytest.raises(ValidationError):
        targeted_check_request(actor=reviewer, cadre=cadre, reason=" ", source="x")
    outsider = make_user("org_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        targeted_check_request(actor=outsider, cadre=cadre, reason="拟提拔", source="appointments:1")
    leader = make_user("leadership", tree.county_a)
    with pytest.raises(PermissionDenied):
        targeted_check_request(actor=leader, cadre=cadre, reason="拟提拔", source="appointments:1")
    assert not SpotCheck.objects.exists()


def test_a_check_started_after_as_of_does_not_count(tree, make_cadre, reviewer):
    from datetime import timedelta

    from django.utils import timezone

    cadre = make_cadre(tree.dept_a1)
    targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    assert check_status(cadre, as_of=timezone.localdate() - timedelta(days=1)).state == "none"


@pytest.mark.parametrize(("purpose", "opened"), [("promotion", True), ("reserve", True), ("awards", False)])
def test_an_opinion_request_opens_targeted_checks_for_promotion_candidates(
    tree, make_cadre, reviewer, purpose, opened, django_capture_on_commit_callbacks
):
    """凡提必核: the archive announces the committed request; spot checks open one check per candidate."""
    from django.utils import timezone

    from qinglian.archive.opinions import opinion_request_create

    inside = make_cadre(tree.dept_a1)
    with django_capture_on_commit_callbacks(execute=True):
        req = opinion_request_create(actor=reviewer, purpose=purpose, as_of=timezone.localdate(), title="拟任人选",
                                     candidates=[inside.pk], requesting_unit=tree.county_a)  # fmt: skip
    checks = SpotCheck.objects.filter(cadre=inside)
    assert checks.exists() is opened
    if opened:
        assert checks.get().source == f"opinion:{req.pk}" and check_status(inside).state == "open"
