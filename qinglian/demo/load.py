"""Load the demo: the jurisdiction, one user per role, an API token. Idempotent per data dir."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from qinglian.accounts.models import User
from qinglian.accounts.services import role_assign, user_create
from qinglian.api.models import ApiToken, hash_token
from qinglian.demo import jurisdiction
from qinglian.demo.people_gen import CadreGenerator, UnitInfo

# (role, username, display name, unit code of the user, anchor code or None)
DEMO_USERS = [
    ("sysadmin", "admin", "系统管理员", "QL-DH-JW", "QL"),
    ("security_officer", "baomi", "保密管理员", "QL-DH-JW", None),
    ("auditor", "shenji", "安全审计员", "QL-DH-JW", None),
    ("org_supervision", "zuzhi", "组织部干部监督科", "QL-DH-ZZB", "QL-DH"),
    ("discipline_supervision", "jiancha", "纪委监督检查室", "QL-DH-JW", "QL-DH"),
    ("petitions_intake", "xinfang", "纪委信访室", "QL-DH-JW", "QL-DH"),
    ("case_management", "anguan", "纪委案管室", "QL-DH-JW", "QL-DH"),
    ("stationed_group", "paizhu", "派驻第一纪检监察组", "QL-DH-PZ1", "QL-DH-PZ1"),
    ("township_committee", "xiangzhen", "清溪镇纪委", "QL-DH-T01-JW", "QL-DH-T01"),
    ("liaison_officer", "lianluo", "村联络站联络员", "QL-DH-T01-V01", "QL-DH-T01-V01"),
    ("inspection_office", "xuncha", "县委巡察办", "QL-DH-XCBAN", "QL-DH"),
    ("inspection_team", "xunchazu", "巡察组成员", "QL-DH-XCBAN", None),
    ("inspected_unit_contact", "beixuncha", "被巡察单位联络人", "QL-DH-JYJ", "QL-DH-JYJ"),
    ("taskforce_agency", "zhuanban", "专班成员单位（审计局）", "QL-DH-SJJ", None),
    ("leadership", "lingdao", "县委领导", "QL-DH-WEI", "QL-DH"),
    ("cadre_self", "ganbu", "干部本人", "QL-DH-JYJ", None),
]
API_USER = "api_demo"
DEMO_CADRES = 5000


def load_cadres(n: int = DEMO_CADRES, *, seed: int = 20261124) -> dict:
    """Generate and bulk-load the demo's cadres, posts and relatives (set-based)."""
    from qinglian.people import bulk
    from qinglian.people.models import Cadre, CadreSearchToken, Post, Relative, Unit

    units = UnitInfo.of_units(Unit.objects.exclude(kind="jurisdiction").order_by("id"))
    gen = CadreGenerator(units, seed=seed).generate(
        n,
        first_id=bulk.next_ids(Cadre, 1).start,
        first_token_id=bulk.next_ids(CadreSearchToken, 1).start,
        first_post_id=bulk.next_ids(Post, 1).start,
        first_relative_id=bulk.next_ids(Relative, 1).start,
    )
    return bulk.load(cadres=gen.cadres, tokens=gen.tokens, posts=gen.posts, relatives=gen.relatives)


@transaction.atomic
def load(data_dir: Path) -> dict:
    logins_file = data_dir / "demo-logins.json"
    if logins_file.exists() and User.objects.filter(username=API_USER).exists():
        return json.loads(logins_file.read_text())
    units = jurisdiction.build()
    load_cadres()
    _load_archive()
    users = []
    for role, username, name, unit_code, anchor_code in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        user = user_create(
            actor=None, username=username, display_name=name, unit=units.get(unit_code), password=password
        )
        role_assign(
            actor=None,
            user=user,
            role=role,
            anchor=units.get(anchor_code) if anchor_code else None,
            reason="演示账号",
        )
        users.append({"role": role, "username": username, "password": password})
    _link_self_service(next(u for u in users if u["role"] == "cadre_self")["username"], units["QL-DH-JYJ"])
    _load_intake()
    _load_groups_and_cards(units)
    users += _load_workflows()
    api_user = user_create(
        actor=None, username=API_USER, display_name="演示接口账号", unit=units["root"], is_integration=True
    )
    for role in ("org_supervision", "case_management"):
        role_assign(actor=None, user=api_user, role=role, anchor=units["root"], reason="演示接口账号")
    raw = ApiToken.generate()
    ApiToken.objects.create(name="演示脚本", user=api_user, key_prefix=raw[:8], key_hash=hash_token(raw))
    logins = {"users": users, "api_token": raw, "api_user": API_USER}
    data_dir.mkdir(parents=True, exist_ok=True)
    logins_file.write_text(json.dumps(logins, ensure_ascii=False, indent=2))
    logins_file.chmod(0o600)
    return logins


def _load_archive() -> None:
    """Archive histories for the demo cadres, and the prepared situations printed for the visitor."""
    from qinglian.demo.archive_gen import generate

    archive = generate()
    if archive.prepared:
        print("  廉政档案演示情形 prepared archive situations:", flush=True)
        for situation, who in archive.prepared.items():
            print(f"    {situation}：{who}", flush=True)


def _load_intake() -> None:
    """Reports, clues, referrals and letters of the demo county, made through the intake services
    by the demo logins (so their archive entries, documents and to-dos exist)."""
    from qinglian.demo.intake_gen import generate

    names = ["xinfang", "jiancha", "anguan", "paizhu", "xiangzhen"]
    summary = generate(users={u.username: u for u in User.objects.filter(username__in=names)})
    print(
        f"  信访举报演示数据 intake: {summary.reports} 件举报，{summary.clues} 条线索，"
        f"{summary.referrals} 件“三办”，{summary.letters} 份建议书",
        flush=True,
    )


def _load_groups_and_cards(units) -> None:
    """Supervision groups and their plans' to-dos, the talks the archive makes due (十必谈), and this
    quarter's reminder cards for the demo county's leaders (their PDFs render in the background)."""
    from qinglian.cards.services import batch_create, batch_issue
    from qinglian.cards.talks import triggers_scan
    from qinglian.groups.plans import plan_generate
    from qinglian.groups.services import memberships_recompute_all
    from qinglian.people.models import Unit, UnitKind

    memberships_recompute_all()
    plan_generate()
    talks_due = triggers_scan()
    county = units["QL-DH"]
    committee = Unit.objects.filter(parent=county, kind=UnitKind.PARTY_COMMITTEE).first() or county
    today = timezone.localdate()
    batch = batch_create(actor=User.objects.get(username="zuzhi"), year=today.year, quarter=(today.month - 1) // 3 + 1,
                         issuing_body=committee, scope_unit=county, recipient_types=["top_leader", "leadership"])  # fmt: skip
    batch_issue(actor=User.objects.get(username="zuzhi"), batch=batch)
    print(
        f"  分类监督与提醒卡 groups and cards: {talks_due} 项十必谈待办，{batch.cards.count()} 张提醒卡",
        flush=True,
    )


# The later workflow apps' demo data, in the order their data builds on each other: each module's
# `generate(users=...)` works through that app's services as the demo logins.
WORKFLOW_GENERATORS = [
    ("declarations_gen", "个人有关事项报告 declarations"),
    ("spotchecks_gen", "抽查核实 spot checks"),
    ("appointments_gen", "选拔任用纪实 appointments"),
    ("handovers_gen", "离任交接 handovers"),
    ("inspections_gen", "巡察 inspections"),
    ("selfreports_gen", "述职述廉比对 self-reports"),
    ("grassroots_gen", "基层监督网络 grassroots"),
    ("taskforce_gen", "“8+X”工作专班 task force"),
    ("jointwork_gen", "联席会议与联审 joint work"),
    ("projects_gen", "十廉清单与专项监督 projects"),
    ("registries_gen", "外部数据登记 registries"),
    ("matching_gen", "大数据比对 matching"),
    ("cards_gen", "干部自助 self-service"),
]


def _load_workflows() -> list[dict]:
    """Run each generator; the logins some of them create (`summary.logins`: username -> password)
    are returned to be printed with the others."""
    import importlib
    import inspect

    from qinglian.accounts.models import RoleAssignment

    users = {u.username: u for u in User.objects.all()}
    extra = []
    for module_name, label in WORKFLOW_GENERATORS:
        generate = importlib.import_module(f"qinglian.demo.{module_name}").generate
        kwargs = {"users": users} if "users" in inspect.signature(generate).parameters else {}
        summary = generate(**kwargs)
        shown = {k: v for k, v in vars(summary).items()
                 if k not in ("passwords", "token") and not isinstance(v, dict)}  # fmt: skip
        print(f"  {label}: " + "，".join(f"{k} {v}" for k, v in shown.items()), flush=True)
        for username, password in (getattr(summary, "logins", None) or {}).items():
            role = (RoleAssignment.objects.filter(user__username=username).values_list("role", flat=True)
                    .order_by("id").first())  # fmt: skip
            extra.append({"role": role or "", "username": username, "password": password})
    return extra


def _link_self_service(username: str, unit) -> None:
    """The demo's `cadre_self` login is a real cadre of the demo county (their own records)."""
    from qinglian.people.models import Cadre

    # The unit's head, so that the demo login also receives this quarter's reminder card.
    cadre = (
        Cadre.objects.filter(unit=unit, status="serving", user__isnull=True)
        .order_by("-is_top_leader", "id")
        .first()
    )
    if cadre is not None:
        Cadre.objects.filter(pk=cadre.pk).update(user=User.objects.get(username=username))
        User.objects.filter(username=username).update(display_name=cadre.name)
