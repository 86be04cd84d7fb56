"""The intake core: sealed reports, numbering, clues on the file, recusal, identity reveal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from qinglian.archive.models import ArchiveEntry
from qinglian.audit.models import AuditEvent
from qinglian.intake import sealing
from qinglian.intake.access import access_clue, access_report, reveal_identity
from qinglian.intake.models import Clue, Recusal, Report
from qinglian.intake.services import (
    RecusalRequired,
    clue_assign,
    clue_register,
    recusal_record,
    report_content,
)

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "李举报", "phone": "13800000000"}


def test_report_content_and_identity_are_sealed_with_separate_keys(make_report):
    report = make_report(identity=IDENTITY)
    assert report.real_name and report.status == Report.Status.REGISTERED
    raw = Report.objects.filter(pk=report.pk).values_list("content", "identity").get()
    assert "局长" not in raw[0] and "李举报" not in raw[1]
    assert report_content(report)["facts"].startswith("某局长")
    with pytest.raises(ValueError):  # the content key cannot open the identity
        sealing.open_json(report.identity, wrapped_key=report.content_key, purpose=sealing.IDENTITY)
    assert "李举报" not in str(list(AuditEvent.objects.values_list("extra", flat=True)))


def test_name_without_phone_is_refused_with_a_chinese_message(make_report):
    with pytest.raises(ValidationError) as exc:
        make_report(identity={"name": "李举报"})
    assert "联系电话" in str(exc.value)
    assert not Report.objects.exists()


def test_report_numbers_are_consecutive(make_report):
    a, b = make_report(), make_report()
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


def test_only_the_intake_role_reveals_identity_and_it_is_audited(make_report, staff):
    report = make_report(identity=IDENTITY)
    for user in (staff.admin, staff.supervisor, staff.stationed, staff.leader):
        with pytest.raises(PermissionDenied):
            reveal_identity(user, report, reason="核实需要联系")
    with pytest.raises(ValidationError):
        reveal_identity(staff.clerk, report, reason="")
    assert reveal_identity(staff.clerk, report, reason="需要电话联系核实情况")["name"] == "李举报"
    event = AuditEvent.objects.get(action="intake.report.reveal_identity")
    assert event.reason == "需要电话联系核实情况" and "李举报" not in str(event.extra)


def test_outsider_cannot_open_a_report_of_another_county(make_report, staff):
    report = make_report()
    assert access_report(staff.clerk, report.pk) == report
    with pytest.raises(Http404):
        access_report(staff.outsider, report.pk)
    with pytest.raises(Http404):
        access_report(staff.admin, report.pk)


def test_clue_puts_a_sealed_colourless_entry_on_the_file_and_a_point_on_the_unit(make_report, staff, tree,
                                                                                   make_cadre):  # fmt: skip
    cadre = make_cadre(tree.dept_a1, "王某")
    report = make_report()
    clue = clue_register(actor=staff.supervisor, summary="反映其为亲属承揽工程", problem_type="integrity",
                         cadres=[cadre], report=report)  # fmt: skip
    report.refresh_from_db()
    assert report.status == Report.Status.CLUE
    assert clue.owner_unit == tree.pz1  # the department's supervising body
    person_entry = ArchiveEntry.objects.get(person=cadre)
    assert person_entry.kind.code == "allegation.registered" and person_entry.colour == "none"
    assert person_entry.sensitivity == ArchiveEntry.Sensitivity.SEALED
    unit_entry = ArchiveEntry.objects.get(person=None, unit=tree.dept_a1)
    assert unit_entry.kind.code == "unit.clue" and unit_entry.colour == "yellow"
    assert list(clue.events.values_list("to_status", flat=True)) == ["registered"]


def test_clue_outside_scope_is_refused(staff, tree, make_cadre):
    cadre = make_cadre(tree.dept_b1, "赵某")
    with pytest.raises(PermissionDenied):
        clue_register(actor=staff.supervisor, summary="x问题", problem_type="work", cadres=[cadre],
                      source="supervision")  # fmt: skip
    assert not Clue.objects.exists()


def test_connected_staff_cannot_be_assigned_and_the_recusal_is_kept(staff, tree, make_cadre, make_user):
    reported = make_cadre(tree.dept_a1, "钱某")
    colleague = make_user("stationed_group", tree.pz1, unit=tree.dept_a1)  # seconded from the same bureau
    clue = clue_register(actor=staff.supervisor, summary="反映问题", problem_type="work", cadres=[reported],
                         source="supervision")  # fmt: skip
    with pytest.raises(RecusalRequired):
        clue_assign(actor=staff.supervisor, clue=clue, assignee=colleague)
    assert Recusal.objects.get(clue=clue, user=colleague).kind == Recusal.Kind.DETECTED
    with pytest.raises(Http404):  # a recused member of staff no longer reaches the clue
        access_clue(colleague, clue.pk)
    assert access_clue(staff.stationed, clue.pk) == clue
    clue = clue_assign(actor=staff.supervisor, clue=clue, assignee=staff.stationed)
    assert clue.status == Clue.Status.ASSIGNED and clue.assignee == staff.stationed


def test_declared_recusal_unassigns(staff, tree, make_cadre):
    clue = clue_register(actor=staff.supervisor, summary="反映问题", problem_type="work",
                         cadres=[make_cadre(tree.dept_a3, "孙某")], source="supervision")  # fmt: skip
    clue = clue_assign(actor=staff.supervisor, clue=clue, assignee=staff.supervisor2)
    recusal_record(
        actor=staff.supervisor2, clue=clue, user=staff.supervisor2, kind="declared", reason="系其同学"
    )
    clue.refresh_from_db()
    assert clue.assignee is None
