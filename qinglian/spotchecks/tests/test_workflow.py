"""Sampling, agency packages and returns, comparison, explanation and decision."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import msoffcrypto
import msoffcrypto.exceptions
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from qinglian.archive.models import ArchiveEntry
from qinglian.audit.models import AuditEvent
from qinglian.spotchecks import sampling
from qinglian.spotchecks.agencies import ReturnRefused
from qinglian.spotchecks.models import AgencyReturn, ComparedItem, ReturnedItem, SampleRound, SpotCheck
from qinglian.spotchecks.selectors import check_status
from qinglian.spotchecks.services import (
    agency_request_create,
    agency_return_import,
    check_compare,
    check_decide,
    check_explain,
    round_draw,
    round_recompute,
    round_redraw,
    targeted_check_request,
)
from qinglian.spotchecks.tests.conftest import xlsx
from qinglian.workitems.models import WorkItem

RE_HEADERS = ["查核编号", "姓名", "不动产坐落", "建筑面积（平方米）", "产权份额（%）", "用途"]


# --- sampling -----------------------------------------------------------------------------------


def test_draw_is_reproducible_from_the_seed_and_stratified():
    population = [(i, 1 + i % 7) for i in range(1, 5001)] + [(9000 + i, 99) for i in range(3)]
    a = sampling.draw("seed-1", population, Decimal("0.10"))
    b = sampling.draw("seed-1", list(reversed(population)), Decimal("0.10"))
    c = sampling.draw("seed-2", population, Decimal("0.10"))
    assert a.cadre_ids == b.cadre_ids and a.sample_digest == b.sample_digest
    assert a.cadre_ids != c.cadre_ids
    assert len(a.cadre_ids) == round(len(population) * 0.10) == 500
    per_unit = {}
    for cid in a.cadre_ids:
        unit = dict(population)[cid]
        per_unit[unit] = per_unit.get(unit, 0) + 1
    sizes = {u: sum(1 for _, x in population if x == u) for u in range(1, 8)}
    for unit, size in sizes.items():
        assert size // 10 <= per_unit.get(unit, 0) <= size // 10 + 1  # every stratum gets its share


def test_draw_of_an_empty_population():
    assert sampling.draw("s", [], Decimal("0.1")).cadre_ids == []


def test_round_records_the_seed_before_the_list_and_can_be_recomputed(tree, reviewer, make_cadre):
    for i in range(30):
        make_cadre(tree.dept_a1 if i % 2 else tree.dept_a2, f"干部{i}", post_level="deputy_division")
    make_cadre(tree.dept_b1, "乙县干部", post_level="deputy_division")
    rnd = round_draw(actor=reviewer, year=2026, scope_unit=tree.county_a)
    assert rnd.population == 30 and rnd.sample_size == 3 and rnd.strata == 2
    seed_event = AuditEvent.objects.get(action="spotchecks.seed", object_id=str(rnd.pk))
    draw_event = AuditEvent.objects.get(action="spotchecks.draw", object_id=str(rnd.pk))
    assert seed_event.seq < draw_event.seq and seed_event.extra["seed"] == rnd.seed
    drawn = sorted(rnd.checks.values_list("cadre_id", flat=True))
    assert round_recompute(rnd).cadre_ids == drawn
    assert round_recompute(rnd).sample_digest == rnd.sample_digest
    assert not rnd.checks.filter(unit=tree.dept_b1).exists()
    with pytest.raises(ValidationError):  # a second draw of the same year needs the redraw page
        round_draw(actor=reviewer, year=2026, scope_unit=tree.county_a)


def test_redraw_needs_a_reason_and_is_audited(tree, reviewer, make_cadre):
    for i in range(20):
        make_cadre(tree.dept_a1, f"干部{i}", post_level="division")
    rnd = round_draw(actor=reviewer, year=2026, scope_unit=tree.county_a)
    with pytest.raises(ValidationError):
        round_redraw(actor=reviewer, round=rnd, reason="")
    new = round_redraw(actor=reviewer, round=rnd, reason="名单范围有误，重新抽取")
    rnd.refresh_from_db()
    assert rnd.status == SampleRound.Status.SUPERSEDED and new.replaces_id == rnd.pk and new.seed != rnd.seed
    assert not rnd.checks.exclude(status=SpotCheck.Status.CANCELLED).exists()
    event = AuditEvent.objects.get(action="spotchecks.redraw", object_id=str(rnd.pk))
    assert event.reason == "名单范围有误，重新抽取" and event.extra["old_seed"] == rnd.seed
    with pytest.raises(ValidationError):
        round_redraw(actor=reviewer, round=rnd, reason="再来一次看看")


def test_sampled_cadre_under_a_targeted_check_keeps_it(tree, reviewer, make_cadre):
    cadres = [make_cadre(tree.dept_a1, f"干部{i}", post_level="division") for i in range(10)]
    for c in cadres:
        targeted_check_request(actor=reviewer, cadre=c, reason="拟提拔", source="appointments:1")
    rnd = round_draw(actor=reviewer, year=2026, scope_unit=tree.county_a)
    assert rnd.sample_size == 1 and rnd.checks.count() == 0
    assert SpotCheck.objects.count() == 10


# --- packages -------------------------------------------------------------------------------------


def _open_package(req, password):
    req.file.open("rb")
    req.file.seek(0)
    office = msoffcrypto.OfficeFile(io.BytesIO(req.file.read()))
    office.load_key(password=password)
    out = io.BytesIO()
    office.decrypt(out)
    return load_workbook(out)


def test_package_is_encrypted_with_only_the_agencys_columns(tree, reviewer, cadre_with_account):
    cadre, _ = cadre_with_account()
    check = targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    req, password = agency_request_create(actor=reviewer, agency="real_estate", checks=[check],
                                          reason="拟提拔人选个人有关事项核查", issuing_unit=tree.county_a)  # fmt: skip
    raw = req.file.read()
    req.file.seek(0)
    assert not raw.startswith(b"PK")  # not a plain workbook
    wb = _open_package(req, password)
    rows = list(wb["查询名单"].iter_rows(values_only=True))
    assert rows[0] == ("查核编号", "姓名", "身份证号")
    assert rows[1][1] == cadre.name and len(rows[1][2]) == 18
    notes = {r[0]: r[1] for r in wb["查询说明"].iter_rows(values_only=True)}
    assert notes["查询事由"] == "拟提拔人选个人有关事项核查"
    text = " ".join(str(c) for row in wb["查询名单"].iter_rows(values_only=True) for c in row)
    assert "幸福路" not in text  # nothing of the declaration goes out
    event = AuditEvent.objects.get(action="spotchecks.request", object_id=str(req.pk))
    assert password not in str(event.extra) and password not in req.number
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        _open_package(req, "wrong-password")


def test_exit_entry_package_carries_the_birth_date(tree, reviewer, cadre_with_account):
    cadre, _ = cadre_with_account()
    check = targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    req, password = agency_request_create(actor=reviewer, agency="exit_entry", checks=[check],
                                          reason="拟提拔人选核查", issuing_unit=tree.county_a)  # fmt: skip
    header = next(_open_package(req, password)["查询名单"].iter_rows(values_only=True))
    assert header == ("查核编号", "姓名", "身份证号", "出生日期")


# --- returns --------------------------------------------------------------------------------------


@pytest.fixture
def requested(tree, reviewer, cadre_with_account):
    cadre, user = cadre_with_account()
    check = targeted_check_request(actor=reviewer, cadre=cadre, reason="拟提拔", source="appointments:1")
    req, _ = agency_request_create(actor=reviewer, agency="real_estate", checks=[check], reason="拟提拔人选核查",
                                   issuing_unit=tree.county_a)  # fmt: skip
    code = req.lines.get().code
    return cadre, user, check, req, code


@pytest.mark.parametrize(
    "headers, rows, expected",
    [
        (RE_HEADERS, [["99999-0001", "申报人", "某地址", "90", "100", "住宅"]], "查无此人"),
        (RE_HEADERS, [["{code}", "张冠李", "某地址", "90", "100", "住宅"]], "不符"),
        (RE_HEADERS[:3], [["{code}", "申报人", "某地址"]], "缺少必填列"),
        (RE_HEADERS, [["{code}", "申报人", "某地址", "-5", "100", "住宅"]], "不能为负数"),
        (RE_HEADERS, [["{code}", "申报人", "某地址", "90", "120", "住宅"]], "不能超过100"),
    ],
)
def test_a_return_that_does_not_match_is_refused_whole(requested, reviewer, headers, rows, expected):
    cadre, user, check, req, code = requested
    good = [code, "申报人", "甲县城关镇幸福路1号3栋201室", "98.5", "100", "住宅"]
    data = xlsx(headers, [good[: len(headers)]] + [[c.replace("{code}", code) for c in r] for r in rows])
    with pytest.raises(ReturnRefused) as info:
        agency_return_import(actor=reviewer, agency_request=req, data=data, filename="r.xlsx")
    assert expected in str(info.value) + " ".join(info.value.messages)
    assert not AgencyReturn.objects.exists() and not ReturnedItem.objects.exists()
    check.refresh_from_db()
    assert check.compared_at is None


def test_every_bad_row_is_reported(requested, reviewer):
    cadre, user, check, req, code = requested
    data = xlsx(RE_HEADERS, [["X-1", "申报人", "a", "1", "", ""], [code, "申报人", "b", "abc", "", ""],
                             [code, "申报人", "", "-1", "", ""]])  # fmt: skip
    with pytest.raises(ReturnRefused) as info:
        agency_return_import(actor=reviewer, agency_request=req, data=data, filename="r.xlsx")
    rows = {e.row for e in info.value.errors}
    assert rows == {2, 3, 4} and info.value.report.startswith(b"PK")


# --- the whole check ------------------------------------------------------------------------------


def _return_concealment(reviewer, req, code):
    data = xlsx(RE_HEADERS, [
        [code, "申报人", "甲县城关镇幸福路1号3幢201", "99.0", "100", "住宅"],  # within tolerance
        [code, "申报人", "乙县滨江花园5栋1801", "143.2", "100", "住宅"],  # not declared
    ])  # fmt: skip
    return agency_return_import(actor=reviewer, agency_request=req, data=data, filename="r.xlsx")


def test_difference_asks_the_cadre_then_a_named_reviewer_decides(requested, reviewer, second_reviewer, tree):
    cadre, user, check, req, code = requested
    _return_concealment(reviewer, req, code)
    check.refresh_from_db()
    assert check.proposed == "concealment" and check.status == SpotCheck.Status.EXPLAINING
    outcomes = sorted(ComparedItem.objects.filter(spot_check=check).values_list("outcome", flat=True))
    assert outcomes == ["concealment", "consistent"]
    todo = WorkItem.objects.get(kind="spotchecks.explain", object_id=str(check.pk))
    assert todo.assignee_user == user and todo.due_date == check.explain_due
    # Nothing adverse before the explanation (deadline not passed).
    with pytest.raises(ValidationError) as info:
        check_decide(actor=second_reviewer, check=check, result="concealment", handling=["no_promotion"],
                     decider_name="李科长")  # fmt: skip
    assert "本人说明" in str(info.value)
    assert not ArchiveEntry.objects.filter(person=cadre).exists()
    with pytest.raises(PermissionDenied):
        check_explain(actor=reviewer, check=check, text="不是本人")
    check_explain(actor=user, check=check, text="该房产为2024年继承所得，忘记报告。")
    todo.refresh_from_db()
    assert todo.status == WorkItem.Status.DONE
    with pytest.raises(ValidationError):  # a named person
        check_decide(actor=second_reviewer, check=check, result="concealment", handling=["no_promotion"],
                     decider_name=" ")  # fmt: skip
    with pytest.raises(ValidationError):  # no_promotion is not a handling of an omission
        check_decide(actor=second_reviewer, check=check, result="omission", handling=["no_promotion"],
                     decider_name="李科长", change_reason="情节轻微")  # fmt: skip
    with pytest.raises(ValidationError):  # differing from the proposal needs a reason
        check_decide(actor=second_reviewer, check=check, result="omission", handling=["criticism"],
                     decider_name="李科长")  # fmt: skip
    check = check_decide(actor=second_reviewer, check=check, result="concealment",
                         handling=["no_promotion", "reserve_removed"], decider_name="李科长")  # fmt: skip
    entry = ArchiveEntry.objects.get(person=cadre)
    assert entry.kind.code == "declaration.concealment" and entry.decided_by == "李科长"
    assert "房产瞒报1项" in entry.summary and "查核结果处理办法" in entry.summary
    assert "滨江" not in entry.summary  # details stay sealed
    assert entry.influence_end is not None  # the configured period (12 months by default)
    status = check_status(cadre)
    assert status.state == "concealment" and status.check_id == check.pk and "滨江" not in status.summary


def test_concealment_makes_the_promotion_opinion_object(requested, reviewer, second_reviewer, tree):
    from qinglian.archive.bars import person_bars
    from qinglian.archive.opinions import draft_for

    cadre, user, check, req, code = requested
    _return_concealment(reviewer, req, code)
    check_explain(actor=user, check=SpotCheck.objects.get(pk=check.pk), text="忘记报告该房产。")
    check_decide(actor=second_reviewer, check=check, result="concealment", handling=["no_promotion"],
                 decider_name="李科长")  # fmt: skip
    draft = draft_for(person_bars(cadre, as_of=timezone.localdate()), "promotion")
    assert draft.verdict == "object"


def test_after_the_deadline_without_explanation_the_reviewer_may_decide(requested, reviewer, time_machine):
    cadre, user, check, req, code = requested
    _return_concealment(reviewer, req, code)
    check.refresh_from_db()
    time_machine.move_to(timezone.make_aware(timezone.datetime.combine(
        check.explain_due + timedelta(days=1), timezone.datetime.min.time())) + timedelta(hours=10))  # fmt: skip
    check = check_decide(actor=reviewer, check=check, result="concealment", handling=["no_promotion"],
                         decider_name="李科长", note="逾期未说明")  # fmt: skip
    assert check.status == SpotCheck.Status.DECIDED


def test_consistent_return_is_decided_without_an_entry(requested, reviewer):
    cadre, user, check, req, code = requested
    data = xlsx(RE_HEADERS, [[code, "申报人", "甲县城关镇幸福路1号3栋201室", "98.5", "100", "住宅"]])
    agency_return_import(actor=reviewer, agency_request=req, data=data, filename="r.xlsx")
    check.refresh_from_db()
    assert check.proposed == "consistent" and check.status == SpotCheck.Status.OPEN
    check_decide(actor=reviewer, check=check, result="consistent", handling=[], decider_name="李科长")
    assert not ArchiveEntry.objects.filter(person=cadre).exists()
    assert check_status(cadre).state == "consistent"


def test_omission_goes_to_the_file_as_omission(requested, reviewer):
    cadre, user, check, req, code = requested
    data = xlsx(RE_HEADERS, [[code, "申报人", "甲县城关镇幸福路1号3栋201室", "120", "100", "住宅"]])
    agency_return_import(actor=reviewer, agency_request=req, data=data, filename="r.xlsx")
    check = SpotCheck.objects.get(pk=check.pk)
    assert check.proposed == "omission"
    check_explain(actor=user, check=check, text="面积按合同填写，未核对产权证。")
    check_decide(actor=reviewer, check=check, result="omission", handling=["criticism", "correction"],
                 decider_name="李科长")  # fmt: skip
    entry = ArchiveEntry.objects.get(person=cadre)
    assert entry.kind.code == "declaration.omission" and "房产漏报1项" in entry.summary
    assert check_status(cadre).state == "omission"


def test_a_cadre_without_a_submitted_report_has_everything_unreported(tree, reviewer, make_cadre):
    cadre = make_cadre(tree.dept_a1, "未报告人", post_level="division")
    check = targeted_check_request(actor=reviewer, cadre=cadre, reason="信访举报", source="intake:1")
    req, _ = agency_request_create(actor=reviewer, agency="real_estate", checks=[check], reason="信访举报核查",
                                   issuing_unit=tree.county_a)  # fmt: skip
    code = req.lines.get().code
    agency_return_import(actor=reviewer, agency_request=req, filename="r.xlsx",
                         data=xlsx(RE_HEADERS, [[code, "未报告人", "甲县某小区1栋1", "80", "100", "住宅"]]))  # fmt: skip
    check.refresh_from_db()
    assert check.proposed == "concealment" and check.kind == SpotCheck.Kind.COMPLAINT


def test_reviewer_outside_scope_cannot_touch_the_check(requested, make_user, tree):
    cadre, user, check, req, code = requested
    outsider = make_user("org_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        check_compare(actor=outsider, check=check)
    with pytest.raises(PermissionDenied):
        check_decide(actor=outsider, check=check, result="consistent", handling=[], decider_name="某")
