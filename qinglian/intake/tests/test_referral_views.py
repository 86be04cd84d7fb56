"""Pages of the referral area: the 三办 panel and its forms, letters, statistics; who may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qinglian.archive.models import ArchiveEntry
from qinglian.intake.letters import letter_issue
from qinglian.intake.models import PetitionExtension, RecommendationLetter, Referral, Report
from qinglian.intake.referrals import referral_create

pytestmark = pytest.mark.django_db
WATER = "甲村自来水管道破裂已半个月，村民饮水困难。"


def soon(days=20):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def petition(make_report):
    return make_report(facts=WATER, subject_name="", nature="petition", problem_type="not_discipline")


def panel(report):
    return reverse("intake:report_referral_panel", args=[report.pk])


def test_panel_offers_the_referral_form_to_the_intake_role_only(petition, staff, login):
    body = login(staff.clerk).get(panel(petition)).content.decode()
    assert 'data-testid="referral-create-form"' in body and "甲县水利局" in body
    body = login(staff.supervisor).get(panel(petition)).content.decode()
    assert "尚未按“三办”处理" in body and "referral-create-form" not in body


def test_panel_of_a_report_outside_the_scope_is_404_and_admin_gets_403(petition, staff, login):
    assert login(staff.outsider).get(panel(petition)).status_code == 404
    assert login(staff.admin).get(panel(petition)).status_code == 403
    assert login(staff.clerk).get(reverse("intake:report_referral_panel", args=[999999])).status_code == 404


def test_panel_of_a_discipline_matter_says_to_register_a_clue(make_report, staff, login):
    report = make_report(problem_type="integrity")
    body = login(staff.clerk).get(panel(report)).content.decode()
    assert "应登记为问题线索办理" in body and "referral-create-form" not in body


def test_refer_reply_inform_through_the_pages(petition, staff, tree, login):
    client = login(staff.clerk)
    url = reverse("intake:referral_create", args=[petition.pk])
    data = {"mode": "refer", "department": tree.dept_a3.pk, "matter": "请修复甲村供水管道",
            "reply_due": soon().isoformat(), "number_prefix": "甲纪转"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.document.number.startswith("甲纪转〔")
    body = client.get(panel(petition)).content.decode()
    assert referral.document.number in body and "登记办理回复" in body
    r = client.post(
        reverse("intake:referral_reply", args=[referral.pk]),
        {f"reply-{referral.pk}-reply": "已修复管道，恢复供水。"},
    )
    assert r.status_code == 302
    r = client.post(reverse("intake:referral_inform", args=[referral.pk]),
                    {f"inform-{referral.pk}-how": "电话告知", f"inform-{referral.pk}-message": "反映人满意"})  # fmt: skip
    assert r.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Report.Status.CLOSED
    body = client.get(panel(petition)).content.decode()
    assert 'data-testid="petition-done"' in body and "按期办结" in body and "referral-create-form" not in body


def test_bad_referral_input_is_sent_back_with_a_chinese_message_and_nothing_written(
    petition, staff, tree, login
):
    client = login(staff.clerk)
    url = reverse("intake:referral_create", args=[petition.pk])
    response = client.post(url, {"mode": "refer", "department": tree.dept_b1.pk, "matter": "修复管道",
                                 "reply_due": soon().isoformat()})  # fmt: skip
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode() or "本辖区" in response.content.decode()
    response = client.post(url, {"mode": "refer", "department": tree.dept_a3.pk, "matter": "修复管道",
                                 "reply_due": "2020-01-01"})  # fmt: skip
    assert response.status_code == 400 and "回复期限须晚于今天" in response.content.decode()
    response = client.post(url, {"mode": "nonsense", "matter": "x" * 5000, "reply_due": "not-a-date"})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_others_cannot_post_referrals(petition, staff, tree, login):
    url = reverse("intake:referral_create", args=[petition.pk])
    data = {
        "mode": "refer",
        "department": tree.dept_a3.pk,
        "matter": "修复管道",
        "reply_due": soon().isoformat(),
    }
    assert login(staff.outsider).post(url, data).status_code == 404
    assert login(staff.supervisor).post(url, data).status_code == 403
    assert not Referral.objects.exists()


def test_petition_extension_through_the_panel(petition, staff, tree, login):
    referral_create(
        actor=staff.clerk, report=petition, mode="lead", matter="协调供水公司抢修", reply_due=soon()
    )
    client = login(staff.clerk)
    body = client.get(panel(petition)).content.decode()
    assert 'data-testid="petition-deadline"' in body and "延长办理期限" in body
    url = reverse("intake:petition_extend", args=[petition.pk])
    assert client.post(url, {"extend-notice": "太短"}).status_code == 400
    assert (
        client.post(url, {"extend-notice": "因需管网改造，经批准延长办理期限三十日，特此告知。"}).status_code
        == 302
    )
    assert PetitionExtension.objects.filter(report=petition).exists()
    assert 'data-testid="petition-extension"' in client.get(panel(petition)).content.decode()


# --- letters --------------------------------------------------------------------------------------


def make_letter(user, unit):
    return letter_issue(actor=user, unit=unit, problems="食堂采购未执行询价比价制度。", formats=("docx",),
                        recommendations="建立采购询价比价制度并开展自查。", rectification_due=soon(30))  # fmt: skip


def test_letter_list_has_a_fixed_number_of_queries(staff, tree, login, django_assert_num_queries):
    client = login(staff.supervisor)
    make_letter(staff.supervisor, tree.dept_a3)
    client.get(reverse("intake:letters"))  # warm caches (content types, session)
    with django_assert_num_queries(11) as one:
        client.get(reverse("intake:letters"))
    for _ in range(4):
        make_letter(staff.supervisor, tree.dept_a2)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("intake:letters"))
    assert response.content.decode().count("甲县财政局") == 4


def test_letter_list_and_detail_are_scoped(staff, tree, login):
    letter = make_letter(staff.supervisor, tree.dept_a3)
    assert letter.document.number not in login(staff.outsider).get(reverse("intake:letters")).content.decode()
    assert login(staff.outsider).get(reverse("intake:letter_detail", args=[letter.pk])).status_code == 404
    assert login(staff.stationed).get(reverse("intake:letter_detail", args=[letter.pk])).status_code == 404
    assert login(staff.admin).get(reverse("intake:letters")).status_code == 403
    assert login(staff.clerk).get(reverse("intake:letter_detail", args=[letter.pk])).status_code == 200


def test_letter_issue_report_accept_through_the_pages(staff, tree, login):
    client = login(staff.stationed)
    assert client.get(reverse("intake:letter_create")).status_code == 200
    response = client.post(reverse("intake:letter_create"), {
        "unit": tree.dept_a1.pk, "problems": "食堂采购未执行询价比价制度。", "recommendations": "建立采购询价比价制度并开展自查。",
        "rectification_due": soon(30).isoformat(), "number_prefix": ""})  # fmt: skip
    assert response.status_code == 302
    letter = RecommendationLetter.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert letter.document.number in detail and "登记整改情况报告" in detail
    download = client.get(reverse("intake:letter_document", args=[letter.pk, "docx"]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("intake:letter_document", args=[letter.pk, "exe"])).status_code == 404
    r = client.post(
        reverse("intake:letter_report", args=[letter.pk]), {"report": "已制定采购管理办法并完成自查。"}
    )
    assert r.status_code == 302
    r = client.post(
        reverse("intake:letter_review", args=[letter.pk]), {"decision": "return", "note": "未清退费用"}
    )
    assert r.status_code == 400 and "整改期限" in r.content.decode()
    r = client.post(
        reverse("intake:letter_review", args=[letter.pk]), {"decision": "accept", "note": "整改到位"}
    )
    assert r.status_code == 302
    assert ArchiveEntry.objects.filter(kind__code="unit.rectified", unit=tree.dept_a1).count() == 1


def test_letter_form_refuses_units_outside_the_scope(staff, tree, login):
    response = login(staff.stationed).post(reverse("intake:letter_create"), {
        "unit": tree.dept_a3.pk, "problems": "食堂采购未执行询价比价制度。", "recommendations": "建立采购询价比价制度并开展自查。",
        "rectification_due": soon(30).isoformat()})  # fmt: skip
    assert response.status_code == 400 and not RecommendationLetter.objects.exists()


def test_outsider_cannot_act_on_a_letter(staff, tree, login):
    letter = make_letter(staff.supervisor, tree.dept_a3)
    client = login(staff.outsider)
    assert (
        client.post(reverse("intake:letter_report", args=[letter.pk]), {"report": "已整改完毕。"}).status_code
        == 403
    )
    client = login(staff.stationed)
    assert (
        client.post(reverse("intake:letter_report", args=[letter.pk]), {"report": "已整改完毕。"}).status_code
        == 404
    )
    assert client.get(reverse("intake:letter_document", args=[letter.pk, "docx"])).status_code == 404
    letter.refresh_from_db()
    assert letter.status == RecommendationLetter.Status.ISSUED
