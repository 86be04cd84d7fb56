"""The access matrix: every URL, every role, an object inside and outside the role's scope.

Every named route must appear in ROUTES (a new page without an entry fails this test), so that no
view ships without its access rules being exercised. Role gates come from the views' own
`capability_required` declarations; scope comes from the roles' anchors below.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from qinglian.accounts.roles import ROLES
from qinglian.accounts.scopes import capabilities, scope
from qinglian.accounts.services import scope_grant
from qinglian.testing.access import Route


def _cadre(tree, unit):
    from datetime import date

    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.people.cadre_services import cadre_create
    from qinglian.people.models import Cadre

    n = Cadre.objects.count() + 1
    data = {
        "name": f"测试{n}",
        "id_number": parse(make(DEMO_REGION, date(1980, 1, 1), n)),
        "unit": unit,
        "post_level": "staff",
        "gender": "male" if n % 2 else "female",
        "birth_date": date(1980, 1, 1),
    }
    return cadre_create(actor=None, data=data)


def _relative(tree, unit):
    from qinglian.people.cadre_services import relative_save

    cadre = _cadre(tree, unit)
    rel = relative_save(
        actor=None, cadre=cadre, data={"relation": "spouse", "name": "配偶", "source": "declared"}
    )
    return f"{cadre.pk}/relatives/{rel.pk}"


def _entry(tree, unit):
    from datetime import date

    from django.core.files.base import ContentFile

    from qinglian.archive.services import entry_record

    pdf = ContentFile(b"%PDF-1.4 matrix", name="d.pdf")
    return entry_record(actor=None, person=_cadre(tree, unit), kind="info.other", occurred_on=date(2026, 1, 5),
                        summary="矩阵", attachment=pdf, check_permission=False).pk  # fmt: skip


def _warning(tree, unit):
    from qinglian.archive.models import Warning

    return Warning.objects.create(rule="matrix", unit=unit, key=f"m{unit.pk}-{Warning.objects.count()}",
                                  explanation="矩阵", raised_on=timezone.localdate(), raised_at=timezone.now()).pk  # fmt: skip


def _void(tree, unit):
    from qinglian.accounts.models import User
    from qinglian.archive.models import EntryVoid

    requester = User.objects.order_by("id").first()
    return EntryVoid.objects.create(entry_id=_entry(tree, unit), reason="矩阵", requested_by=requester).pk


def _opinion(tree, unit):
    from qinglian.accounts.models import User
    from qinglian.archive.models import OpinionRequest

    return OpinionRequest.objects.create(
        purpose="promotion", as_of=timezone.localdate(), title="矩阵", requested_by=User.objects.order_by("pk")[0],
        requesting_unit=unit, drafted_at=timezone.now(),
    ).pk  # fmt: skip


def _clue(tree, unit):
    from qinglian.accounts.models import User
    from qinglian.intake import sealing
    from qinglian.intake.models import Clue

    n = Clue.objects.count() + 1
    return Clue.objects.create(
        number=f"线矩阵-{n:06d}", source="supervision", unit=unit, owner_unit=unit.supervisor or unit,
        summary=sealing.seal_text("矩阵"), problem_type="work", status="assigned", status_changed_at=timezone.now(),
        registered_by=User.objects.order_by("pk")[0], registered_at=timezone.now(),
    ).pk  # fmt: skip


def _report(tree, unit):
    from qinglian.intake.services import report_create

    return report_create(actor=None, channel="letter", receiving_unit=unit, nature="petition",
                         problem_type="not_discipline", content={"facts": "矩阵：道路积水"}).pk  # fmt: skip


def _report_attachment(tree, unit):
    from qinglian.intake.services import IncomingFile, report_create

    report = report_create(actor=None, channel="letter", receiving_unit=unit, content={"facts": "矩阵"},
                           files=[IncomingFile("a.pdf", b"%PDF-1.4 matrix", "application/pdf")])  # fmt: skip
    return f"{report.pk}/attachments/{report.attachments.get().pk}"


def _intake_letter(tree, unit):
    from django.core.files.base import ContentFile

    from qinglian.accounts.models import User
    from qinglian.documents.models import Document
    from qinglian.intake.models import RecommendationLetter

    doc = Document(template="intake.recommendation_letter", title="纪检监察建议书", issuing_unit=unit, format="docx",
                   sha256="0" * 64, size=2)  # fmt: skip
    doc.file.save("l.docx", ContentFile(b"PK"), save=False)
    doc.save()
    return RecommendationLetter.objects.create(
        unit=unit, issuing_unit=unit, problems="矩阵", recommendations="矩阵", rectification_due=timezone.localdate(),
        document=doc, created_by=User.objects.order_by("pk")[0], created_at=timezone.now(),
    ).pk  # fmt: skip


def _referral(tree, unit):
    from qinglian.accounts.models import User
    from qinglian.intake.models import Referral

    return Referral.objects.create(
        report_id=_report(tree, unit), mode="lead", department=unit, matter="矩阵", reply_due=timezone.localdate(),
        created_by=User.objects.order_by("pk")[0], created_at=timezone.now(),
    ).pk  # fmt: skip


def _conduct(tree, unit, what):
    from qinglian.accounts.models import User
    from qinglian.conduct import models as m
    from qinglian.conduct.services import lists_current

    cadre, lists, now, today = _cadre(tree, unit), lists_current(), timezone.now(), timezone.localdate()
    who = {"recorded_by": User.objects.order_by("pk")[0], "recorded_at": now}
    if what == "finding":
        return m.Finding.objects.create(cadre=cadre, unit=unit, list_version=lists["leader_negative"], item_number=1,
                                        item_text="矩阵", occurred_on=today, facts="矩阵", **who).pk  # fmt: skip
    if what == "registration":
        return m.CommunityRegistration.objects.create(cadre=cadre, unit=unit, community="矩阵", registered_on=today,
                                                      **who).pk  # fmt: skip
    if what == "briefing":
        return m.FamilyBriefing.objects.create(cadre=cadre, unit=unit, recipient="配偶", red_lines="矩阵", handed_on=today,
                                               handed_by="矩阵", positive=lists["family_positive"],
                                               negative=lists["family_negative"], **who).pk  # fmt: skip
    return m.FamilyEvent.objects.create(cadre=cadre, unit=unit, kind="wedding", subject="矩阵", event_date=today,
                                        venue="矩阵", tables=1, guests=1, cars=0, payer="own",
                                        filed_by=who["recorded_by"], filed_at=now).pk  # fmt: skip


# name -> a function (tree, unit) giving the URL part of an object that lives in `unit`
OBJECTS = {
    "opinion": _opinion,
    "unit": lambda tree, unit: unit.pk,
    "cadre": lambda tree, unit: _cadre(tree, unit).pk,
    "relative": _relative,
    "entry": _entry,
    "warning": _warning,
    "void": _void,
    "report": _report,
    "referral": _referral,
    "intake_letter": _intake_letter,
    "clue": _clue,
    "report_attachment": _report_attachment,
    "conduct_finding": lambda tree, unit: _conduct(tree, unit, "finding"),
    "conduct_registration": lambda tree, unit: _conduct(tree, unit, "registration"),
    "conduct_briefing": lambda tree, unit: _conduct(tree, unit, "briefing"),
    "conduct_event": lambda tree, unit: _conduct(tree, unit, "event"),
}

ROUTES: dict[str, Route] = {
    "core:home": Route("/", any_user=True),
    "core:healthz": Route("/healthz", public=True),
    "accounts:login": Route("/accounts/login/", public=True),
    "accounts:logout": Route("/accounts/logout/", method="POST", public=True),
    "accounts:password_change": Route("/accounts/password/", any_user=True),
    "accounts:profile": Route("/accounts/me/", any_user=True),
    "accounts:two_factor": Route("/accounts/two-factor/", any_user=True),
    "accounts:users": Route("/accounts/users/"),
    "accounts:user_create": Route("/accounts/users/new/"),
    "accounts:user_detail": Route("/accounts/users/{user}/"),
    "accounts:role_revoke": Route("/accounts/roles/{assignment}/revoke/", method="POST"),
    "accounts:approvals": Route("/accounts/approvals/"),
    "accounts:approval_decide": Route("/accounts/approvals/{assignment}/", method="POST"),
    "people:units": Route("/people/units/"),
    "people:unit_create": Route("/people/units/new/"),
    "people:unit_detail": Route("/people/units/{obj}/", obj="unit"),
    "people:unit_move": Route("/people/units/{obj}/move/", obj="unit"),
    "people:unit_export": Route("/people/units/export/"),
    "people:cadres": Route("/people/cadres/"),
    "people:unit_pick": Route("/people/units/pick/?unit_name=%E5%B1%80"),
    "people:cadre_create": Route("/people/cadres/new/"),
    "people:cadre_detail": Route("/people/cadres/{obj}/", obj="cadre"),
    "people:cadre_edit": Route("/people/cadres/{obj}/edit/", obj="cadre"),
    "people:cadre_reveal_id": Route("/people/cadres/{obj}/reveal-id/", method="POST", obj="cadre"),
    "people:relative_create": Route("/people/cadres/{obj}/relatives/new/", obj="cadre"),
    "people:relative_edit": Route("/people/cadres/{obj}/", obj="relative"),
    "people:cadre_export": Route("/people/cadres/export/"),
    "people:import": Route("/people/import/"),
    "people:import_template": Route("/people/import/template/cadres/"),
    "people:import_job": Route("/people/import/{job}/", foreign=True),
    "people:import_errors": Route("/people/import/{job}/errors/", foreign=True),
    "core:calendar": Route("/calendar/"),
    "core:calendar_year": Route("/calendar/2027/"),
    "audit:log": Route("/audit/"),
    "audit:export": Route("/audit/export/", method="POST"),
    "audit:verify": Route("/audit/verify/", method="POST"),
    "rules:list": Route("/rules/"),
    "rules:detail": Route("/rules/sanction.party.warning/"),
    "rules:param_change": Route("/rules/sanction.party.warning/{rule_key}/change/"),
    "workitems:list": Route("/todo/"),
    "workitems:detail": Route("/todo/{item}/", foreign=True),
    "workitems:complete": Route("/todo/{item}/complete/", method="POST"),
    "workitems:cancel": Route("/todo/{item}/cancel/", method="POST"),
    "workitems:notifications": Route("/todo/notifications/"),
    "workitems:notification_read": Route("/todo/notifications/read/", method="POST"),
    "documents:list": Route("/documents/"),
    "documents:notice_create": Route("/documents/new/notice/"),
    "documents:download": Route("/documents/{doc}/download/", any_user=True, foreign=True),
    "api_tokens:list": Route("/system/api-tokens/"),
    "api_tokens:revoke": Route("/system/api-tokens/{token}/revoke/", method="POST"),
    "archive:opinions": Route("/archive/opinions/"),
    "groups:list": Route("/groups/"),
    "groups:new": Route("/groups/new/"),
    "groups:detail": Route("/groups/young/"),
    "groups:edit": Route("/groups/young/edit/"),
    "groups:manual_add": Route("/groups/young/manual/", method="POST"),
    "groups:manual_end": Route("/groups/young/manual/999999/end/", method="POST"),
    "groups:coverage": Route("/groups/young/coverage/"),
    "groups:batch": Route("/groups/batches/999999/", foreign=True),
    "cards:batches": Route("/cards/"),
    "cards:batch_new": Route("/cards/new/"),
    "cards:mine": Route("/cards/mine/"),
    "cards:batch": Route("/cards/batches/999999/", foreign=True),
    "cards:batch_issue": Route("/cards/batches/999999/issue/", method="POST"),
    "cards:print": Route("/cards/prints/999999/", foreign=True),
    "cards:card": Route("/cards/cards/999999/", foreign=True),
    "cards:card_check": Route("/cards/cards/999999/check/", method="POST"),
    "cards:card_action": Route("/cards/cards/999999/add/", method="POST"),
    "cards:follow_up_hear": Route("/cards/follow-ups/999999/hear/", method="POST"),
    "cards:follow_up_decide": Route("/cards/follow-ups/999999/decide/", method="POST"),
    "cards:open": Route("/cards/c/not-a-token/", public=True),
    "cards:talks": Route("/cards/talks/"),
    "cards:talk_new": Route("/cards/talks/new/"),
    "cards:education": Route("/cards/education/"),
    "cards:education_new": Route("/cards/education/new/"),
    "archive:opinion_create": Route("/archive/opinions/new/"),
    "archive:opinion_template": Route("/archive/opinions/template/"),
    "archive:opinion_detail": Route("/archive/opinions/{obj}/", obj="opinion"),
    "archive:opinion_review": Route("/archive/opinions/{obj}/review/", method="POST", obj="opinion"),
    "archive:opinion_approve": Route("/archive/opinions/{obj}/approve/", method="POST", obj="opinion"),
    "archive:overview": Route("/archive/"),
    "archive:warning_act": Route("/archive/warnings/{obj}/act/", method="POST", obj="warning"),
    "archive:person": Route("/archive/people/{obj}/", obj="cadre"),
    "archive:person_entry_new": Route("/archive/people/{obj}/entries/new/", obj="cadre"),
    "archive:unit": Route("/archive/units/{obj}/", obj="unit"),
    "archive:unit_entry_new": Route("/archive/units/{obj}/entries/new/", obj="unit"),
    "archive:entry_attachment": Route("/archive/entries/{obj}/attachment/", obj="entry"),
    "archive:entry_void": Route("/archive/entries/{obj}/void/", obj="entry"),
    "archive:review_queue": Route("/archive/review/"),
    "archive:review_decide": Route("/archive/review/{obj}/", method="POST", obj="entry"),
    "archive:void_queue": Route("/archive/voids/"),
    "archive:void_decide": Route("/archive/voids/{obj}/", method="POST", obj="void"),
    "archive:import": Route("/archive/import/"),
    "archive:import_template": Route("/archive/import/template/"),
    "archive:import_job": Route("/archive/import/{archive_job}/", foreign=True),
    "archive:import_errors": Route("/archive/import/{archive_job}/errors/", foreign=True),
    "front:report": Route("/report/", public=True),
    "front:follow": Route("/report/follow/", public=True),
    "front:poster_list": Route("/report/posters/"),
    "front:poster": Route("/report/posters/{obj}/", obj="unit"),
    "intake:reports": Route("/intake/reports/"),
    "intake:report_new": Route("/intake/reports/new/"),
    "intake:report_sms_import": Route("/intake/reports/new/sms/"),
    "intake:report_sms_template": Route("/intake/reports/new/sms/template/"),
    "intake:report_new_channel": Route("/intake/reports/new/visit/"),
    "intake:report_detail": Route("/intake/reports/{obj}/", obj="report"),
    "intake:report_reveal": Route("/intake/reports/{obj}/reveal/", method="POST", obj="report"),
    "intake:report_attachment": Route("/intake/reports/{obj}/", obj="report_attachment"),
    "intake:report_accept": Route("/intake/reports/{obj}/accept/", method="POST", obj="report"),
    "intake:report_classify": Route("/intake/reports/{obj}/classify/", method="POST", obj="report"),
    "intake:report_forward": Route("/intake/reports/{obj}/forward/", method="POST", obj="report"),
    "intake:report_acknowledge": Route("/intake/reports/{obj}/acknowledge/", method="POST", obj="report"),
    "intake:report_message": Route("/intake/reports/{obj}/message/", method="POST", obj="report"),
    "intake:report_repeat": Route("/intake/reports/{obj}/repeat/", method="POST", obj="report"),
    "intake:report_subjects": Route("/intake/reports/{obj}/subjects/", obj="report"),
    "intake:report_clue": Route("/intake/reports/{obj}/clue/", obj="report"),
    "intake:clues": Route("/intake/clues/"),
    "intake:clue_new": Route("/intake/clues/new/"),
    "intake:clue_detail": Route("/intake/clues/{obj}/", obj="clue"),
    "intake:clue_assign": Route("/intake/clues/{obj}/assign/", method="POST", obj="clue"),
    "intake:clue_recuse": Route("/intake/clues/{obj}/recuse/", method="POST", obj="clue"),
    "intake:clue_disposal": Route("/intake/clues/{obj}/disposal/", obj="clue"),
    "intake:clue_disposal_panel": Route("/intake/clues/{obj}/disposal/panel/", obj="clue"),
    "intake:clue_disposal_act": Route("/intake/clues/{obj}/disposal/propose/", method="POST", obj="clue"),
    "intake:report_referral_panel": Route("/intake/reports/{obj}/referrals/panel/", obj="report"),
    "intake:report_referrals": Route("/intake/reports/{obj}/referrals/", obj="report"),
    "intake:referral_create": Route("/intake/reports/{obj}/referrals/new/", method="POST", obj="report"),
    "intake:petition_extend": Route("/intake/reports/{obj}/petition/extend/", method="POST", obj="report"),
    "intake:referral_reply": Route("/intake/referrals/{obj}/reply/", method="POST", obj="referral"),
    "intake:referral_inform": Route("/intake/referrals/{obj}/inform/", method="POST", obj="referral"),
    "intake:letters": Route("/intake/letters/"),
    "intake:letter_create": Route("/intake/letters/new/"),
    "intake:letter_detail": Route("/intake/letters/{obj}/", obj="intake_letter"),
    "intake:letter_report": Route("/intake/letters/{obj}/report/", method="POST", obj="intake_letter"),
    "intake:letter_review": Route("/intake/letters/{obj}/review/", method="POST", obj="intake_letter"),
    "intake:letter_document": Route("/intake/letters/{obj}/document.docx", obj="intake_letter"),
    "intake:stats": Route("/intake/stats/"),
    "conduct:home": Route("/conduct/"),
    "conduct:lists": Route("/conduct/lists/"),
    "conduct:list_edit": Route("/conduct/lists/family_positive/edit/"),
    "conduct:visits": Route("/conduct/visits/"),
    "conduct:visit_new": Route("/conduct/visits/new/"),
    "conduct:observers": Route("/conduct/observers/"),
    "conduct:observer_new": Route("/conduct/observers/new/"),
    "conduct:registrations": Route("/conduct/registrations/"),
    "conduct:registration_new": Route("/conduct/registrations/new/"),
    "conduct:registration": Route("/conduct/registrations/{obj}/", obj="conduct_registration"),
    "conduct:activity_add": Route(
        "/conduct/registrations/{obj}/activities/", method="POST", obj="conduct_registration"
    ),
    "conduct:briefings": Route("/conduct/briefings/"),
    "conduct:briefing_new": Route("/conduct/briefings/new/"),
    "conduct:briefing_print": Route("/conduct/briefings/{obj}/print/", obj="conduct_briefing"),
    "conduct:findings": Route("/conduct/findings/"),
    "conduct:finding_new": Route("/conduct/findings/new/"),
    "conduct:finding": Route("/conduct/findings/{obj}/", obj="conduct_finding"),
    "conduct:finding_hear": Route("/conduct/findings/{obj}/hear/", method="POST", obj="conduct_finding"),
    "conduct:finding_decide": Route("/conduct/findings/{obj}/decide/", method="POST", obj="conduct_finding"),
    "conduct:events": Route("/conduct/family-events/"),
    "conduct:event": Route("/conduct/family-events/{obj}/", obj="conduct_event"),
    "conduct:my_events": Route("/conduct/mine/"),
    "conduct:my_event_new": Route("/conduct/mine/new/"),
    "conduct:my_event": Route("/conduct/mine/999999/", foreign=True),
}


def _merge_app_rows() -> None:
    """Each app may keep its own rows in `<app>/tests/access_routes.py` (ROUTES, OBJECTS)."""
    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("qinglian."):
            continue
        module_name = f"{config.name}.tests.access_routes"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        clash = (set(module.ROUTES) & set(ROUTES)) | (set(getattr(module, "OBJECTS", {})) & set(OBJECTS))
        assert not clash, f"{module_name} repeats matrix rows: {sorted(clash)}"
        ROUTES.update(module.ROUTES)
        OBJECTS.update(getattr(module, "OBJECTS", {}))


_merge_app_rows()

# Where each role of the matrix is anchored, and the unit inside its scope used for objects.
ANCHORS = {
    "org_supervision": ("county_a", "dept_a3"),
    "discipline_supervision": ("county_a", "dept_a3"),
    "petitions_intake": ("county_a", "dept_a3"),
    "case_management": ("county_a", "dept_a3"),
    "stationed_group": ("pz1", "dept_a1"),
    "township_committee": ("township", "village"),
    "liaison_officer": ("village", "village"),
    "inspection_office": ("county_a", "dept_a3"),
    "inspection_team": (None, "dept_a3"),
    "inspected_unit_contact": ("dept_a1", "dept_a1"),
    "taskforce_agency": (None, None),
    "leadership": ("county_a", "dept_a3"),
    "cadre_self": (None, None),
    "auditor": (None, None),
    "security_officer": (None, None),
    "sysadmin": ("county_a", "dept_a3"),
}


def _named_routes():
    names = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.append((f"{namespace}:{p.name}" if namespace else p.name, p))

    walk(get_resolver().url_patterns, None)
    return names


def _required(pattern: URLPattern) -> tuple[str, ...] | None:
    view = pattern.callback
    for _ in range(5):
        caps = getattr(view, "required_capabilities", None)
        if caps is not None:
            return caps
        view = getattr(view, "__wrapped__", None)
        if view is None:
            return None
    return None


def test_every_page_route_is_in_the_matrix():
    missing = [name for name, _ in _named_routes() if not name.startswith("api:") and name not in ROUTES]
    assert not missing, f"add these routes to the access matrix: {missing}"


def test_every_gated_route_declares_its_capability():
    for name, pattern in _named_routes():
        if name.startswith("api:") or name not in ROUTES:
            continue
        route = ROUTES[name]
        if route.public or route.any_user:
            continue
        assert _required(pattern), f"{name} has no capability_required gate"


@pytest.fixture
def matrix_users(tree, make_user):
    users = {}
    for code, (anchor_attr, _) in ANCHORS.items():
        users[code] = make_user(code, getattr(tree, anchor_attr) if anchor_attr else None)
    now = timezone.now()
    scope_grant(
        actor=None,
        user=users["inspection_team"],
        role="inspection_team",
        unit=tree.dept_a3,
        valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=10),
        reason="本轮巡察",
    )
    users["_foreign"] = _foreign_objects(tree, make_user)
    return users


def _foreign_objects(tree, make_user) -> dict:
    """Objects that belong to a user outside the matrix and to county B."""
    from django.core.files.base import ContentFile

    from qinglian.documents.models import Document
    from qinglian.people.models import ImportJob
    from qinglian.rules.models import RuleParameter
    from qinglian.workitems.services import workitem_create

    stranger = make_user("org_supervision", tree.county_b)
    job = ImportJob(kind="cadres", filename="x.xlsx", sha256="0" * 64, created_by=stranger)
    job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    job.error_report.save("e.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    item = workitem_create(
        actor=None,
        subject=tree.dept_b1,
        kind="test.matrix",
        title="乙县待办",
        assignee_user=stranger,
        assignee_unit=tree.dept_b1,
        due_calendar_days=10,
    )
    doc = Document(
        template="notice",
        title="乙县通知",
        issuing_unit=tree.dept_b1,
        format="pdf",
        sha256="0" * 64,
        size=2,
        created_by=stranger,
    )
    doc.file.save("n.pdf", ContentFile(b"%P"), save=False)
    doc.save()
    key = (
        RuleParameter.objects.filter(rule__code="sanction.party.warning")
        .values_list("key", flat=True)
        .first()
    )
    from qinglian.archive.models import EntryImportJob

    archive_job = EntryImportJob(filename="x.xlsx", sha256="0" * 64, created_by=stranger)
    archive_job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    archive_job.error_report.save("e.xlsx", ContentFile(b"PK"), save=False)
    archive_job.save()
    return {"job": job.pk, "item": item.pk, "doc": doc.pk, "rule_key": key, "archive_job": archive_job.pk}


def _fill(route: Route, tree, matrix_users, inside: bool, role: str):
    from qinglian.accounts.models import RoleAssignment
    from qinglian.api.models import ApiToken

    path = route.path
    if "{obj}" in path:
        unit_attr = ANCHORS[role][1]
        if inside and unit_attr is None:
            return None
        unit = getattr(tree, unit_attr) if inside else tree.dept_b1
        path = path.replace("{obj}", str(OBJECTS[route.obj](tree, unit)))
    if "{user}" in path:
        path = path.replace("{user}", str(matrix_users["leadership"].pk))
    if "{assignment}" in path:
        a = RoleAssignment.objects.filter(user=matrix_users["leadership"]).first()
        path = path.replace("{assignment}", str(a.pk))
    for name in ("job", "item", "doc", "rule_key", "archive_job"):
        path = path.replace("{" + name + "}", str(matrix_users["_foreign"][name]))
    if "{token}" in path:
        token = ApiToken.objects.first()
        path = path.replace("{token}", str(token.pk if token else 999999))
    return path


def test_anonymous_users_are_sent_to_login(client, tree, matrix_users):
    for name, route in ROUTES.items():
        if route.public:
            continue
        path = _fill(route, tree, matrix_users, inside=True, role="leadership") or route.path.replace(
            "{obj}", "1"
        )
        response = client.post(path) if route.method == "POST" else client.get(path)
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_gets_exactly_what_its_capabilities_and_scope_allow(
    role, client, tree, matrix_users, login
):
    user = matrix_users[role]
    login(user)
    caps = capabilities(user)
    patterns = dict(_named_routes())
    for name, route in ROUTES.items():
        if route.public or route.method == "POST":
            continue
        required = _required(patterns[name]) or ()
        allowed = route.any_user or all(c in caps for c in required)
        path = _fill(route, tree, matrix_users, inside=True, role=role)
        if path is None:  # the role has no unit scope: any object is outside it
            path = _fill(route, tree, matrix_users, inside=False, role=role)
            expected = 404 if allowed else 403
        else:
            expected = (404 if route.foreign else 200) if allowed else 403
        response = client.get(path)
        assert response.status_code == expected, f"{role} {name} {path}: {response.status_code} != {expected}"
        if route.obj and allowed:
            outside = _fill(route, tree, matrix_users, inside=False, role=role)
            assert client.get(outside).status_code == 404, f"{role} {name}: outside object must be 404"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_post_routes_refuse_roles_without_the_capability(role, client, tree, matrix_users, login):
    user = matrix_users[role]
    login(user)
    caps = capabilities(user)
    patterns = dict(_named_routes())
    for name, route in ROUTES.items():
        if route.public or route.method != "POST":
            continue
        required = _required(patterns[name]) or ()
        if all(c in caps for c in required):
            continue
        path = _fill(route, tree, matrix_users, inside=True, role=role) or _fill(
            route, tree, matrix_users, inside=False, role=role
        )
        assert client.post(path).status_code == 403, f"{role} {name}"


def test_matrix_anchors_put_the_inside_unit_inside(tree, matrix_users):
    for role, (_, unit_attr) in ANCHORS.items():
        if unit_attr:
            assert (
                scope(
                    matrix_users[role],
                    "units.view" if "units.view" in capabilities(matrix_users[role]) else "people.view",
                ).contains(getattr(tree, unit_attr))
                or role == "inspection_team"
            ), role
