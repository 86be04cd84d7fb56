"""The role catalogue (DOMAIN.md "Roles and scopes").

A role is a set of capabilities plus a scope kind. A user holds roles through assignments, each
anchored at a unit; what a capability reaches is the union of the scopes of the user's active
assignments whose role has it. Roles are mirrored as Django groups (synced after migrate) so that
the admin shows them, but this module is the source of truth: capabilities are code, reviewed
with the code, not rows an administrator can quietly widen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ScopeKind(StrEnum):
    SUBTREE = "subtree"  # the anchor unit and everything below it
    UNIT = "unit"  # the anchor unit alone
    SUPERVISED = "supervised"  # units whose supervising body is the anchor (a stationed group)
    GRANT = "grant"  # time-boxed grants (an inspection team's round targets)
    SHARING = "sharing"  # what the task force's sharing rules give an agency
    SELF = "self"  # the cadre's own records
    NONE = "none"  # no unit data (audit reviewer, security officer)


# Capabilities. Sealed ones need two-factor sign-in and a second approver to grant.
SEALED_CAPABILITIES = frozenset(
    {
        "sealed.reporter_identity",  # who reported (信访室 only)
        "sealed.clue_content",  # clue and allegation content
        "sealed.personal_matters",  # personal-matters report details
        "idnumber.reveal",  # a full resident ID number, with a reason
    }
)

STAFF_BASE = frozenset({"home.view", "workitems.view", "rules.view", "units.view", "documents.view"})


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    who: str
    scope: ScopeKind
    capabilities: frozenset[str] = field(default_factory=frozenset)

    @property
    def reads_sealed(self) -> bool:
        return bool(self.capabilities & SEALED_CAPABILITIES)

    @property
    def requires_2fa(self) -> bool:
        return self.reads_sealed


def _role(code, name, who, scope, *caps, base=STAFF_BASE):
    return Role(code, name, who, scope, frozenset(base) | frozenset(caps))


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        _role(
            "org_supervision",
            "组织部干部监督",
            "组织部干部监督科",
            ScopeKind.SUBTREE,
            "groups.view",
            "groups.manage",
            "groups.record",
            "cards.view",
            "cards.manage",
            "cards.check",
            "conduct.view",
            "conduct.manage",
            "people.view",
            "archive.view",
            "archive.import",  # the archive entries Excel import
            "archive.record_handling",
            "archive.record_info",
            "archive.record_appraisal",
            "archive.record_declaration",
            "archive.review",
            "archive.approve",
            "archive.opinion_request",
            "archive.opinions",  # the integrity-opinion pages (requester side)
            "people.manage",
            "people.import",  # the Excel import pages; each kind also needs its own capability
            "people.relatives",
            "sealed.personal_matters",
            "idnumber.reveal",
            "rules.manage",
            "documents.create",
            "declarations.view",
            "declarations.manage",
            "declarations.check",
            "declarations.decide",
            "appointments.view",
            "appointments.manage",
            "handovers.view",
            "handovers.manage",
            "handovers.record",
            "inspections.view",
            "taskforce.view",
            "taskforce.manage",
            "jointwork.view",
            "jointwork.manage",
            "jointwork.review",
            "projects.view",
            "projects.manage",
            "projects.verify",
            "matching.view",
            "matching.review",
        ),
        _role(
            "discipline_supervision",
            "纪委监督检查",
            "纪委监委监督检查室",
            ScopeKind.SUBTREE,
            "intake.view",
            "intake.handle",
            "intake.approve",
            "intake.stats",
            "groups.view",
            "groups.record",
            "cards.view",
            "cards.manage",
            "cards.check",
            "cards.decide",
            "conduct.view",
            "conduct.manage",
            "people.view",
            "archive.view",
            "archive.import",  # the archive entries Excel import
            "archive.record_handling",
            "archive.record_status",
            "archive.review",
            "archive.approve",
            "archive.opinion_review",
            "archive.opinion_approve",
            "archive.opinions",  # the integrity-opinion pages (commission side)
            "people.relatives",
            "sealed.clue_content",
            "documents.create",
            "appointments.view",
            "handovers.view",
            "handovers.record",
            "inspections.view",
            "grassroots.view",
            "grassroots.manage",
            "taskforce.view",
            "jointwork.view",
            "jointwork.manage",
            "jointwork.review",
            "projects.view",
            "projects.manage",
            "projects.verify",
            "matching.view",
            "matching.manage",
            "matching.review",
        ),
        _role(
            "petitions_intake",
            "纪委信访",
            "纪委监委信访室",
            ScopeKind.SUBTREE,
            "intake.view",
            "intake.register",
            "intake.referral",
            "intake.stats",
            "people.view",
            "archive.view",
            "sealed.reporter_identity",
            "sealed.clue_content",
            "idnumber.reveal",
            "documents.create",
        ),
        _role(
            "case_management",
            "纪委案管审理",
            "纪委监委案管室/审理室",
            ScopeKind.SUBTREE,
            "intake.view",
            "intake.handle",
            "intake.approve",
            "intake.stats",
            "people.view",
            "archive.view",
            "archive.import",  # the archive entries Excel import
            "archive.record_sanction",
            "archive.record_handling",
            "archive.record_status",
            "archive.review",
            "archive.approve",
            "archive.opinion_review",
            "archive.opinion_approve",
            "archive.opinions",  # the integrity-opinion pages (commission side)
            "people.relatives",
            "sealed.clue_content",
            "idnumber.reveal",
            "rules.manage",
            "documents.create",
            "matching.view",
            "matching.review",
        ),
        _role(
            "stationed_group",
            "派驻纪检监察组",
            "派驻纪检监察组",
            ScopeKind.SUPERVISED,
            "intake.view",
            "intake.handle",
            "groups.record",
            "cards.view",
            "cards.check",
            "conduct.view",
            "people.view",
            "archive.view",
            "archive.import",  # the archive entries Excel import
            "archive.record_handling",
            "archive.record_status",
            "archive.review",
            "people.relatives",
            "sealed.clue_content",
            "documents.create",
            "projects.view",
            "projects.report",
        ),
        _role(
            "township_committee",
            "乡镇纪委",
            "乡镇纪委/街道纪工委",
            ScopeKind.SUBTREE,
            "intake.view",
            "intake.register",
            "intake.handle",
            "intake.referral",
            "intake.stats",
            "groups.record",
            "cards.view",
            "cards.check",
            "conduct.view",
            "people.view",
            "archive.view",
            "archive.import",  # the archive entries Excel import
            "archive.record_handling",
            "archive.record_status",
            "archive.review",
            "people.relatives",
            "sealed.clue_content",
            "documents.create",
            "grassroots.view",
            "grassroots.triage",
            "grassroots.manage",
            "projects.view",
            "projects.report",
        ),
        _role(
            "liaison_officer",
            "联络站联络员",
            "村/社区纪检监察工作联络站联络员、信息员",
            ScopeKind.SUBTREE,
            "grassroots.submit",
            base={"home.view", "workitems.view", "units.view"},
        ),
        _role(
            "inspection_office",
            "巡察办",
            "巡察工作办公室",
            ScopeKind.SUBTREE,
            "people.view",
            "documents.create",
            "inspections.view",
            "inspections.plan",
            "inspections.pool",
            "inspections.assign",
            "inspections.findings",
            "inspections.rectify",
            "inspections.reports",
        ),
        _role(
            "inspection_team",
            "巡察组",
            "巡察组成员（按轮次授权）",
            ScopeKind.GRANT,
            "people.view",
            "inspections.view",
            "inspections.findings",
            "inspections.reports",
        ),
        _role(
            "inspected_unit_contact",
            "被巡察单位联络人",
            "被巡察单位联络人",
            ScopeKind.UNIT,
            "inspections.rectify",
            base={"home.view", "workitems.view", "units.view"},
        ),
        _role(
            "taskforce_agency",
            "专班成员单位",
            "8+X专班成员单位",
            ScopeKind.SHARING,
            "archive.submit_external",
            "archive.import",
            "handovers.record",
            "taskforce.view",
            "taskforce.report",
            "jointwork.view",
            "projects.view",
            "projects.report",
            "matching.submit",
            base={"home.view", "workitems.view", "units.view"},
        ),
        _role(
            "leadership",
            "领导",
            "县委/市委领导（只读）",
            ScopeKind.SUBTREE,
            "people.view",
            "archive.view",
            "groups.view",
            "cards.view",
            "conduct.view",
            "intake.stats",
            "appointments.view",
            "handovers.view",
            "inspections.view",
            "grassroots.view",
            "taskforce.view",
            "jointwork.view",
            "projects.view",
            "matching.view",
        ),
        _role(
            "cadre_self",
            "干部本人",
            "干部本人（自助填报）",
            ScopeKind.SELF,
            "cards.own",
            "conduct.own",
            "declarations.own",
            "handovers.own",
            base={"home.view", "workitems.view"},
        ),
        _role(
            "auditor",
            "审计员",
            "安全审计员（查阅审计日志）",
            ScopeKind.NONE,
            "audit.view",
            "audit.export",
            base={"home.view", "workitems.view"},
        ),
        _role(
            "security_officer",
            "安全保密管理员",
            "安全保密管理员（审批敏感授权）",
            ScopeKind.NONE,
            "grants.approve",
            base={"home.view", "workitems.view"},
        ),
        _role(
            "sysadmin",
            "系统管理员",
            "系统管理员（账号与基础数据，不能查阅密封内容）",
            ScopeKind.SUBTREE,
            "users.manage",
            "units.manage",
            "people.import",  # the units import (the page offers only the units kind)
            "calendar.manage",
            "api.tokens.manage",
            "audit.checkpoint",
            base={"home.view", "workitems.view", "units.view", "rules.view"},
        ),
    ]
}

assert not ROLES["sysadmin"].reads_sealed, "the administrator never reads sealed content"

ALL_CAPABILITIES = frozenset().union(*(r.capabilities for r in ROLES.values()))

ROLE_CHOICES = [(r.code, r.name) for r in ROLES.values()]


def role_for(code: str) -> Role:
    return ROLES[code]
