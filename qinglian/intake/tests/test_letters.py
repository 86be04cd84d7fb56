"""纪检监察建议书: issue, the unit's rectification report, acceptance or return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qinglian.archive.models import ArchiveEntry
from qinglian.intake.letters import RECTIFY_KIND, letter_issue, letter_report_record, letter_review
from qinglian.intake.models import RecommendationLetter
from qinglian.intake.services import clue_register
from qinglian.workitems.models import WorkItem

pytestmark = pytest.mark.django_db
PROBLEMS = "食堂采购未执行询价比价制度，存在公款吃喝隐患。"
RECS = "建立食堂采购询价比价制度，开展一次专项自查。"
REPORT = "已制定食堂采购管理办法，完成专项自查并清退相关费用。"


def soon(days=30):
    return timezone.localdate() + timedelta(days=days)


def issue(user, unit=None, **kw):
    return letter_issue(actor=user, unit=unit, problems=PROBLEMS, recommendations=RECS,
                        rectification_due=kw.pop("due", soon()), formats=("docx",), **kw)  # fmt: skip


def test_a_stationed_group_issues_a_letter_from_a_clue_with_a_deadline_for_the_unit(staff, tree, make_cadre,
                                                                                     make_report):  # fmt: skip
    cadre = make_cadre(tree.dept_a1, "王某")
    clue = clue_register(actor=staff.supervisor, summary="反映食堂管理问题", problem_type="four_winds",
                         cadres=[cadre], report=make_report())  # fmt: skip
    letter = issue(staff.stationed, clue=clue)
    assert letter.unit == tree.dept_a1 and letter.issuing_unit == tree.pz1 and letter.clue == clue
    assert letter.document.template == "intake.recommendation_letter"
    assert letter.document.number.startswith("甲纪建〔")
    item = WorkItem.objects.get(kind=RECTIFY_KIND)
    assert item.assignee_unit == tree.dept_a1 and item.escalate_to == tree.pz1
    assert item.due_date == letter.rectification_due


def test_report_then_accept_puts_a_rectified_entry_on_the_unit(staff, tree):
    letter = issue(staff.supervisor, tree.dept_a3)
    with pytest.raises(ValidationError, match="尚未报送"):
        letter_review(actor=staff.supervisor, letter=letter, accept=True, note="")
    letter_report_record(actor=staff.supervisor, letter=letter, report=REPORT)
    assert WorkItem.objects.get(kind=RECTIFY_KIND).status == WorkItem.Status.DONE
    letter_review(actor=staff.supervisor2, letter=letter, accept=True, note="整改到位")
    letter.refresh_from_db()
    assert letter.status == RecommendationLetter.Status.ACCEPTED and letter.reviewed_by == staff.supervisor2
    entry = ArchiveEntry.objects.get(kind__code="unit.rectified")
    assert entry.unit == tree.dept_a3 and entry.person is None
    assert (entry.source_app, entry.source_type, entry.source_id) == ("intake", "letter", str(letter.pk))
    assert letter.document.number in entry.summary


def test_return_sets_a_new_deadline_and_the_unit_reports_again(staff, tree):
    letter = issue(staff.supervisor, tree.dept_a3)
    letter_report_record(actor=staff.supervisor, letter=letter, report=REPORT)
    with pytest.raises(ValidationError, match="整改期限"):
        letter_review(actor=staff.supervisor, letter=letter, accept=False, note="整改不彻底", new_due=None)
    letter_review(
        actor=staff.supervisor, letter=letter, accept=False, note="费用尚未清退完毕", new_due=soon(15)
    )
    letter.refresh_from_db()
    assert letter.status == RecommendationLetter.Status.RETURNED and letter.rectification_due == soon(15)
    assert WorkItem.objects.filter(kind=RECTIFY_KIND, status="open", due_date=soon(15)).count() == 1
    assert not ArchiveEntry.objects.filter(kind__code="unit.rectified").exists()
    letter_report_record(actor=staff.supervisor, letter=letter, report=REPORT + "费用已全部清退。")
    letter.refresh_from_db()
    assert letter.status == RecommendationLetter.Status.REPORTED


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"due": timezone.localdate()}, "整改期限须晚于今天"), ({"problems": "短"}, "不少于10个字")],
)
def test_bad_letter_input_is_refused_in_chinese(staff, tree, kw, message):
    problems = kw.pop("problems", PROBLEMS)
    with pytest.raises(ValidationError, match=message):
        letter_issue(actor=staff.supervisor, unit=tree.dept_a3, problems=problems, recommendations=RECS,
                     rectification_due=kw.get("due", soon()), formats=("docx",))  # fmt: skip
    assert not RecommendationLetter.objects.exists()


def test_outsider_clerk_and_admin_cannot_issue_or_review(staff, tree):
    for user in (
        staff.outsider,
        staff.clerk,
        staff.admin,
        staff.stationed,
    ):  # stationed: dept_a3 is not theirs
        with pytest.raises(PermissionDenied):
            issue(user, tree.dept_a3)
    letter = issue(staff.supervisor, tree.dept_a3)
    with pytest.raises(PermissionDenied):
        letter_report_record(actor=staff.outsider, letter=letter, report=REPORT)
    assert RecommendationLetter.objects.count() == 1
