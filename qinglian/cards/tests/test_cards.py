"""Cards: batch issue → QR link → acknowledgement → quarter report → check → follow-up decision on
the file; tampered/expired/revoked links; no clue ever on a card; scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qinglian.accounts.services import role_assign
from qinglian.archive.models import ArchiveEntry
from qinglian.archive.services import entry_record
from qinglian.cards import services
from qinglian.cards.models import Card, CardItem, CardPrint, FollowUp
from qinglian.workitems.services import workitem_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree, make_user, make_cadre):
    org = make_user("org_supervision", tree.county_a, unit=tree.county_a)
    checker = make_user("discipline_supervision", tree.county_a, unit=tree.jw_a)
    boss = make_cadre(
        tree.dept_a1, "局长甲", is_top_leader=True, is_leadership_member=True, post_title="局长"
    )
    deputy = make_cadre(tree.dept_a1, "副局长乙", is_leadership_member=True, post_title="副局长")
    make_cadre(tree.dept_a1, "科员丙")
    far = make_cadre(tree.dept_b1, "乙县局长", is_top_leader=True)
    boss_user = make_user(None, unit=tree.dept_a1, username="boss")
    boss.user = boss_user
    boss.save(update_fields=["user"])
    role_assign(actor=None, user=boss_user, role="cadre_self", anchor=None, reason="本人")
    return {
        "org": org,
        "checker": checker,
        "boss": boss,
        "deputy": deputy,
        "far": far,
        "boss_user": boss_user,
    }


def _batch(tree, org):
    return services.batch_create(actor=org, year=2026, quarter=4, issuing_body=tree.county_a, scope_unit=tree.county_a,
                                 recipient_types=["top_leader", "leadership"])  # fmt: skip


def test_batch_reaches_leaders_in_scope_with_common_and_individual_lists(setup, tree, make_cadre):
    entry_record(actor=None, kind="unit.audit_finding", unit=tree.dept_a1, occurred_on=date(2026, 9, 1),
                 summary="专项资金未按规定拨付", check_permission=False)  # fmt: skip
    # A clue about the unit and an intake to-do must never appear on a card.
    entry_record(actor=None, kind="unit.clue", unit=tree.dept_a1, occurred_on=date(2026, 9, 2),
                 summary="涉及本单位的问题线索 线2026-000009", check_permission=False)  # fmt: skip
    workitem_create(actor=None, subject=tree.dept_a1, kind="intake.inquiry_reply", title="函询回复：局长甲",
                    assignee_unit=tree.dept_a1, due_date=date(2026, 10, 1), start=date(2026, 9, 1))  # fmt: skip
    batch = _batch(tree, setup["org"])
    cards = {c.cadre.name: c for c in batch.cards.select_related("cadre")}
    assert set(cards) == {"局长甲", "副局长乙"}  # not the clerk, not county B
    boss_items = list(cards["局长甲"].items.all())
    assert any(i.kind == "common" for i in boss_items)
    texts = " ".join(i.text + i.source for i in boss_items)
    assert "专项资金" in texts
    assert "线索" not in texts and "函询" not in texts


def test_link_acknowledge_report_check_and_follow_up_decision(setup, tree, client, make_user,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    batch = _batch(tree, setup["org"])
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_issue(actor=setup["org"], batch=batch)
    printed = CardPrint.objects.get(batch=batch)  # rendered by the (immediate) task backend, one PDF per unit
    assert printed.cards == 2 and printed.file.read(5) == b"%PDF-"
    card = batch.cards.get(cadre=setup["boss"])
    token = services.card_token(card)
    page = client.get(f"/cards/c/{token}/")
    assert (
        page.status_code == 200
        and "局长甲" in page.content.decode()
        and "登录后签收" in page.content.decode()
    )
    # someone else signed in cannot acknowledge
    client.force_login(setup["deputy"].user or make_user(None, unit=tree.dept_a1))
    with pytest.raises(PermissionDenied):
        services.card_acknowledge(user=make_user(None), card=card)
    client.force_login(setup["boss_user"])
    assert client.post(f"/cards/c/{token}/", {"action": "acknowledge"}).status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.ACKNOWLEDGED
    items = list(card.items.all())
    missing = client.post(f"/cards/c/{token}/", {"action": "report", f"item_{items[0].pk}": "已落实"})
    assert missing.status_code == 400 and "请填写该事项的落实情况" in missing.content.decode()
    data = {"action": "report"} | {f"item_{i.pk}": f"第{i.pk}项已落实" for i in items}
    assert client.post(f"/cards/c/{token}/", data).status_code == 302
    card.refresh_from_db()
    results = {i.pk: ("fulfilled", "") for i in items}
    results[items[0].pk] = ("not_fulfilled", "本季度未专题研究")
    follow_up = services.card_check(actor=setup["checker"], card=card, results=results)
    assert follow_up.proposed_step == FollowUp.Step.REMINDER_TALK
    assert not ArchiveEntry.objects.filter(person=setup["boss"]).exists()  # nothing on the file yet
    with pytest.raises(ValidationError):  # not before the cadre is heard
        services.follow_up_decide(
            actor=setup["checker"], follow_up=follow_up, apply=True, note="决定提醒谈话"
        )
    services.follow_up_hear(
        actor=setup["checker"], follow_up=follow_up, explanation="因疫情推迟", heard_on=date(2026, 11, 20)
    )
    services.follow_up_decide(actor=setup["checker"], follow_up=follow_up, apply=True, note="决定提醒谈话")
    entry = ArchiveEntry.objects.get(person=setup["boss"])
    assert entry.kind.code == "handling.reminder_talk" and entry.colour == "yellow"
    assert "本季度未专题研究" in entry.summary and entry.decided_by


def test_next_unfulfilled_card_proposes_the_next_step(setup, tree):
    FollowUp.objects.create(card=_issued(tree, setup, 3), proposed_step=FollowUp.Step.REMINDER_TALK, grounds="x",
                            decision="applied", created_at="2026-07-01T00:00:00Z")  # fmt: skip
    card = _issued(tree, setup, 4)
    Card.objects.filter(pk=card.pk).update(status="reported")
    card.refresh_from_db()
    results = {i.pk: ("not_fulfilled", "未落实") for i in card.items.all()}
    assert (
        services.card_check(actor=setup["checker"], card=card, results=results).proposed_step
        == "handling.admonishment"
    )


def _issued(tree, setup, quarter):
    batch = services.batch_create(actor=setup["org"], year=2026, quarter=quarter, issuing_body=tree.county_a,
                                  scope_unit=tree.county_a, recipient_types=["top_leader"])  # fmt: skip
    services.batch_issue(actor=setup["org"], batch=batch)
    return batch.cards.get(cadre=setup["boss"])


def test_tampered_expired_and_revoked_links_reveal_nothing(setup, tree, client):
    card = _issued(tree, setup, 4)
    token = services.card_token(card)
    tampered = client.get(f"/cards/c/{token[:-2]}xx/")
    assert tampered.status_code == 410 and "局长甲" not in tampered.content.decode()
    with pytest.raises(services.LinkInvalid, match="过期"):
        services.card_from_token(token, today=date(2027, 2, 1))
    services.card_revoke(actor=setup["org"], card=card, reason="职务调整")
    revoked = client.get(f"/cards/c/{token}/")
    assert (
        revoked.status_code == 410
        and "撤回" in revoked.content.decode()
        and "局长甲" not in revoked.content.decode()
    )


def test_editor_adjusts_draft_and_outsider_is_refused(setup, tree, make_user, login):
    batch = _batch(tree, setup["org"])
    card = batch.cards.get(cadre=setup["boss"])
    services.item_add(actor=setup["org"], card=card, text="推动食堂账目公开")
    assert card.items.filter(text="推动食堂账目公开", kind="individual").exists()
    outsider = make_user("org_supervision", tree.county_b)
    with pytest.raises(PermissionDenied):
        services.item_add(actor=outsider, card=card, text="越权")
    client = login(outsider)
    assert client.get(f"/cards/cards/{card.pk}/").status_code == 404
    assert client.get(f"/cards/batches/{batch.pk}/").status_code == 404
    mine = login(setup["org"])
    assert mine.get(f"/cards/cards/{card.pk}/").status_code == 200
    assert mine.get("/cards/").status_code == 200


def test_check_requires_a_note_for_unfulfilled_items(setup, tree):
    card = _issued(tree, setup, 4)
    Card.objects.filter(pk=card.pk).update(status="reported")
    card.refresh_from_db()
    results = {i.pk: ("not_fulfilled", "") for i in card.items.all()}
    with pytest.raises(ValidationError):
        services.card_check(actor=setup["checker"], card=card, results=results)
    assert not CardItem.objects.filter(card=card).exclude(result="").exists()


def test_batch_pages_create_issue_and_revoke(setup, tree, login, django_capture_on_commit_callbacks):
    from qinglian.cards.models import CardBatch

    client = login(setup["org"])
    assert client.get("/cards/new/").status_code == 200
    empty = client.post("/cards/new/", {"year": 2026, "quarter": 4, "report_days": 15})
    assert empty.status_code == 400 and "发放对象" in empty.content.decode()
    made = client.post("/cards/new/", {"year": 2026, "quarter": 4, "report_days": 15,
                                       "recipient_types": ["top_leader", "leadership"]})  # fmt: skip
    batch = CardBatch.objects.get()
    assert made.status_code == 302 and batch.status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/cards/batches/{batch.pk}/issue/").status_code == 302
    page = client.get(f"/cards/batches/{batch.pk}/").content.decode()
    assert "打印件" in page and "局长甲" in page
    card = batch.cards.get(cadre=setup["boss"])
    assert client.post(f"/cards/cards/{card.pk}/revoke/", {"reason": ""}).status_code == 400
    assert client.post(f"/cards/cards/{card.pk}/revoke/", {"reason": "职务调整"}).status_code == 302
    card.refresh_from_db()
    assert card.status == "revoked"
