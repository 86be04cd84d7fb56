"""The grassroots network: scopes, submission with photos, triage into archive / clue / referral,
the 一肩挑 schedules on a travelled clock, task lists, zone groups, power-list versions."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from qinglian.audit.models import AuditEvent
from qinglian.grassroots import services
from qinglian.grassroots.access import access_information
from qinglian.grassroots.models import DualPostDuty, Information, Photo, PowerListVersion, Task
from qinglian.grassroots.selectors import information_list, task_completion
from qinglian.people.services import unit_create

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def jpeg_with_exif() -> bytes:
    from PIL import Image

    img = Image.new("RGB", (32, 24), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel-GPS"  # Model
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def net(tree, make_user, make_cadre):
    village2 = unit_create(actor=None, code="A-T1-V2", name="乙村", kind="village", level="village",
                           parent=tree.township, supervisor=tree.t1_committee)  # fmt: skip
    committee = make_user("township_committee", tree.township)
    s1 = services.station_create(actor=committee, unit=tree.village)
    s2 = services.station_create(actor=committee, unit=village2)
    officer1 = make_user("liaison_officer", tree.village)
    officer2 = make_user("liaison_officer", village2)
    services.member_add(actor=committee, station=s1, role="liaison", user=officer1)
    services.member_add(actor=committee, station=s2, role="liaison", user=officer2)
    head = make_cadre(tree.village, "王书记")
    return type("Net", (), dict(committee=committee, s1=s1, s2=s2, officer1=officer1, officer2=officer2,
                                village2=village2, head=head, outsider=make_user("township_committee",
                                                                                 tree.county_b)))  # fmt: skip


def _submit(net, who=None, station=None, **kw):
    data = dict(category="personal_matters", title="王书记为儿子操办婚宴", content="听群众说，婚宴摆了30桌。")
    data.update(kw)
    return services.information_submit(actor=who or net.officer1, station=station or net.s1, **data)


def test_liaison_officer_sees_only_their_village(net):
    mine = _submit(net)
    other = _submit(net, who=net.officer2, station=net.s2, title="乙村村务公开不及时")
    assert list(information_list(viewer=net.officer1)) == [mine]
    assert set(information_list(viewer=net.committee)) == {mine, other}
    assert list(information_list(viewer=net.outsider)) == []
    assert access_information(net.officer1, mine.pk) == mine
    with pytest.raises(Http404):
        access_information(net.officer1, other.pk)
    with pytest.raises(Http404):
        access_information(net.outsider, mine.pk)


def test_liaison_officer_cannot_submit_for_another_village(net):
    with pytest.raises(PermissionDenied):
        _submit(net, who=net.officer1, station=net.s2)
    assert not Information.objects.exists()


def test_station_members_need_an_account_or_a_cadre_and_a_manager(net, tree):
    with pytest.raises(ValidationError):
        services.member_add(actor=net.committee, station=net.s1, role="head")
    m = services.member_add(actor=net.committee, station=net.s1, role="head", cadre=net.head)
    assert m.name == "王书记"
    with pytest.raises(PermissionDenied):
        services.member_add(actor=net.officer1, station=net.s1, role="head", cadre=net.head)
    with pytest.raises(PermissionDenied):
        services.member_add(actor=net.outsider, station=net.s1, role="head", cadre=net.head)
    with pytest.raises(ValidationError):
        services.station_create(actor=net.committee, unit=tree.village)  # one station per village


def test_photos_are_checked_by_content_and_stripped_of_metadata(net):
    raw = jpeg_with_exif()
    assert b"PhoneMaker" in raw
    info = _submit(net, photos=[("IMG_0001.jpg", raw, "image/jpeg")])
    photo = info.photos.get()
    picture = photo.read()
    assert b"PhoneMaker" not in picture and picture[:3] == b"\xff\xd8\xff"
    with photo.file.open("rb") as fh:
        on_disk = fh.read()
    assert on_disk[:3] != b"\xff\xd8\xff" and picture not in on_disk  # encrypted at rest
    with pytest.raises(ValidationError) as exc:
        _submit(net, photos=[("evil.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")])
    assert "照片" in str(exc.value) or "不接受" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _submit(net, title="", content="")
    assert set(exc.value.message_dict) == {"title", "content"}
    assert Information.objects.count() == 1 and Photo.objects.count() == 1


def test_triage_into_archive_files_sealed_colourless_unverified_information(net):
    info = _submit(net)
    with pytest.raises(ValidationError):
        services.information_triage(actor=net.committee, information=info, outcome="archive", decided_by="",
                                    cadre=net.head)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.information_triage(actor=net.officer1, information=info, outcome="archive", decided_by="我",
                                    cadre=net.head)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.information_triage(actor=net.outsider, information=info, outcome="archive", decided_by="乙",
                                    cadre=net.head)  # fmt: skip
    info = services.information_triage(actor=net.committee, information=info, outcome="archive",
                                       decided_by="李书记", cadre=net.head, note="存档备查")  # fmt: skip
    entry = info.entry
    assert entry.person == net.head and entry.colour == "none" and entry.kind.sealed and not entry.kind.graded
    assert entry.kind.code == "info.unverified" and entry.kind.effect == "none"
    assert "未经核实" in entry.summary and entry.source_app == "grassroots"
    assert info.status == "archived" and info.triaged_by == net.committee and info.decided_by == "李书记"
    event = AuditEvent.objects.filter(action="grassroots.information.triage").get()
    assert event.extra["outcome"] == "archive" and event.extra["decided_by"] == "李书记"
    with pytest.raises(ValidationError):  # once only
        services.information_triage(
            actor=net.committee, information=info, outcome="clue", decided_by="李书记"
        )


def test_triage_about_a_unit_files_colourless_unit_information(net):
    info = _submit(net)
    info = services.information_triage(actor=net.committee, information=info, outcome="archive",
                                       decided_by="李书记", subject_unit=net.s1.unit)  # fmt: skip
    entry = info.entry
    assert entry.unit == net.s1.unit and entry.person is None
    assert entry.kind.code == "unit.unverified" and entry.colour == "none" and entry.kind.sealed


def test_triage_into_a_clue_goes_through_intake(net):
    from qinglian.intake.models import Clue, Report

    info = _submit(net, photos=[("a.jpg", jpeg_with_exif(), "image/jpeg")])
    info = services.information_triage(actor=net.committee, information=info, outcome="clue", decided_by="李书记",
                                       cadre=net.head, problem_type="integrity")  # fmt: skip
    report = Report.objects.get(pk=info.report_id)
    assert report.channel == "liaison" and report.receiving_unit == net.s1.unit.supervisor
    assert report.attachments.count() == 1
    clue = Clue.objects.get(pk=info.clue_id)
    assert clue.subjects.get().cadre == net.head and clue.report == report
    assert info.status == "clue"


def test_triage_into_a_referral_sheet(net, tree):
    from datetime import timedelta

    from django.utils import timezone

    info = _submit(
        net, category="village_affairs", title="村道路灯损坏无人修", content="村道路灯坏了两个月。"
    )
    with pytest.raises(ValidationError):
        services.information_triage(actor=net.committee, information=info, outcome="referral", decided_by="李书记",
                                    department=tree.dept_a3)  # no reply date  # fmt: skip
    info.refresh_from_db()
    assert info.status == "submitted" and info.report_id is None
    info = services.information_triage(
        actor=net.committee, information=info, outcome="referral", decided_by="李书记", mode="refer",
        department=tree.township, reply_due=timezone.localdate() + timedelta(days=15), matter="请修复村道路灯",
    )  # fmt: skip
    assert info.status == "referred" and info.referral.department == tree.township
    assert info.referral.document is not None and info.report.nature == "petition"


def _at(y, m, d):
    return time_machine.travel(datetime(y, m, d, 9, 0, tzinfo=SH), tick=False)


def test_dual_post_schedules_follow_the_year_and_half_year(net, tree):
    from qinglian.workitems.models import WorkItem

    with _at(2027, 1, 5):
        holder = services.dual_post_register(actor=net.committee, cadre=net.head, since=date(2026, 12, 1))
        assert services.dual_post_schedule() == 4
        assert services.dual_post_schedule() == 0  # idempotent
        duties = {d.duty: d for d in holder.duties.select_related("workitem")}
        assert duties["personal_matters"].due_date == date(2027, 3, 31)
        assert duties["personal_matters"].workitem.assignee_unit == tree.village
        assert duties["hearing"].period == "2027H1" and duties["hearing"].due_date == date(2027, 6, 30)
        assert duties["hearing"].workitem.assignee_unit == tree.township
        assert duties["talk"].workitem.assignee_unit == tree.t1_committee
        assert duties["accountability"].due_date == date(2027, 12, 31)
    with _at(2027, 7, 1):
        assert services.dual_post_schedule() == 1
        assert holder.duties.filter(period="2027H2", duty="hearing").exists()
    with _at(2028, 1, 4):
        assert services.dual_post_schedule() == 4
        assert holder.duties.filter(period="2028").count() == 3
    with _at(2028, 2, 1):
        services.dual_post_end(actor=net.committee, holder=holder, until=date(2028, 2, 1))
        assert not WorkItem.objects.filter(kind="grassroots.dual_post", status="open",
                                           object_id=holder.pk).exists()  # fmt: skip
        assert services.dual_post_schedule() == 0
    assert DualPostDuty.objects.count() == 9


def test_dual_role_flag_on_the_register_enrols_the_village_head(net, make_cadre):
    flagged = make_cadre(net.village2, "赵主任", is_dual_role=True)
    with _at(2027, 3, 2):
        assert services.dual_post_schedule() == 4
        assert services.dual_post_schedule() == 0
    assert DualPostDuty.objects.filter(holder__cadre=flagged).count() == 4


def test_dual_post_only_for_village_heads_in_scope(net, tree, make_cadre):
    with pytest.raises(ValidationError):
        services.dual_post_register(
            actor=net.committee, cadre=make_cadre(tree.dept_a3, "局长"), since=date(2026, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.dual_post_register(actor=net.outsider, cadre=net.head, since=date(2026, 1, 1))


def test_task_list_completion(net, tree):
    with _at(2027, 5, 10):
        tl = services.tasklist_create(actor=net.committee, year=2027, unit=tree.village)
        assert tl.tasks.count() == 20
        own = services.task_add(
            actor=net.committee, task_list=tl, title="督促整改村道路灯", due_date=date(2027, 6, 30)
        )
        with pytest.raises(ValidationError):
            services.tasklist_create(actor=net.committee, year=2027, unit=tree.village)
        with pytest.raises(ValidationError):
            services.tasklist_create(
                actor=net.committee, year=2027, unit=tree.township
            )  # no station, not a body
        services.tasklist_create(actor=net.committee, year=2027, unit=tree.t1_committee)
        first = tl.tasks.filter(common__number=1).get()
        with pytest.raises(ValidationError):
            services.task_complete(actor=net.officer1, task=first, evidence="  ")
        services.task_complete(actor=net.officer1, task=first, evidence="计划已印发（附件见站务档案）")
        with pytest.raises(PermissionDenied):
            services.task_complete(actor=net.officer2, task=own, evidence="不是本站")
        with pytest.raises(PermissionDenied):
            services.task_complete(actor=net.outsider, task=own, evidence="不是本县")
        services.task_complete(actor=net.committee, task=own, evidence="已整改")
        rows = {t.unit: t for t in task_completion(viewer=net.committee, year=2027, today=date(2027, 5, 10))}
        v = rows[tree.village]
        assert (v.n_total, v.n_done, v.n_own, v.n_overdue) == (21, 2, 1, 4)  # Q1's five tasks, one done
        assert rows[tree.t1_committee].n_done == 0
        assert [t.unit for t in task_completion(viewer=net.officer1, year=2027, today=date(2027, 5, 10))] == [
            tree.village
        ]
        assert list(task_completion(viewer=net.outsider, year=2027, today=date(2027, 5, 10))) == []
    assert Task.objects.get(pk=first.pk).done_by == net.officer1


def test_zone_group_takes_backlog_clues_of_its_townships(net, tree, make_user):
    info = _submit(net)
    info = services.information_triage(actor=net.committee, information=info, outcome="clue", decided_by="李书记",
                                       cadre=net.head, problem_type="integrity")  # fmt: skip
    county = make_user("discipline_supervision", tree.county_a)
    zone = services.zone_create(actor=county, name="第一协作区", office=tree.jw_a)
    group = services.group_create(actor=county, zone=zone, name="第一协作组", townships=[tree.township])
    assert list(services.group_backlog(viewer=county, group=group)) == [info.clue]
    services.group_clue_assign(actor=county, group=group, clue=info.clue, note="集中突破")
    with pytest.raises(ValidationError):
        services.group_clue_assign(actor=county, group=group, clue=info.clue)
    with pytest.raises(ValidationError):
        services.group_create(actor=county, zone=zone, name="错组", townships=[tree.dept_a3])


def test_power_list_ships_11_areas_45_powers_and_revisions_keep_old_versions(net, tree):
    v1 = PowerListVersion.objects.get(number=1)
    assert v1.powers.count() == 45 and v1.powers.values("area").distinct().count() == 11
    rows = [dict(area_number=p.area_number, area=p.area, number=p.number, name=p.name, basis=p.basis)
            for p in v1.powers.all()]  # fmt: skip
    rows[0]["name"] = "村级重大事项“四议两公开”决策（修订）"
    with pytest.raises(PermissionDenied):
        services.power_list_revise(
            actor=net.officer1, rows=rows, note="修订", effective_from=date(2026, 1, 1)
        )
    v2 = services.power_list_revise(
        actor=net.committee, rows=rows, note="修订第1项", effective_from=date(2026, 1, 1)
    )
    assert v2.number == 2 and services.power_list_current(date(2026, 6, 1)) == v2
    assert services.power_list_current(date(2025, 6, 1)) == v1
    assert v1.powers.get(number=1).name == "村级重大事项“四议两公开”决策"
    with pytest.raises(ValidationError):
        services.power_list_revise(
            actor=net.committee, rows=rows + rows[:1], note="重复", effective_from=date(2026, 2, 1)
        )


def test_completion_of_a_page_matches_the_aggregate(net, tree):
    from qinglian.grassroots.selectors import tasklist_page_rows, with_completion

    with _at(2027, 5, 10):
        tl = services.tasklist_create(actor=net.committee, year=2027, unit=tree.village)
        services.task_complete(
            actor=net.committee, task=tl.tasks.order_by("due_date").first(), evidence="已完成"
        )
        services.tasklist_create(actor=net.committee, year=2027, unit=tree.t1_committee)
        today = date(2027, 5, 10)
        paged = {t.pk: (t.n_total, t.n_done, t.n_overdue, t.n_own)
                 for t in with_completion(tasklist_page_rows(viewer=net.committee, year=2027), today)}  # fmt: skip
        whole = {t.pk: (t.n_total, t.n_done, t.n_overdue, t.n_own)
                 for t in task_completion(viewer=net.committee, year=2027, today=today)}  # fmt: skip
        assert paged == whole and paged[tl.pk] == (20, 1, 4, 0)
