"""What a user may reach: capabilities from roles, units from the scopes of assignments.

Computed once per request and cached on the user object: three small queries at most
(assignments, supervised units, grants), whatever the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.models import RoleAssignment, ScopeGrant
from qinglian.accounts.roles import ROLES, ScopeKind

_CACHE = "_qinglian_scope_cache"


@dataclass
class Scope:
    """The units one capability reaches for one user."""

    prefixes: set[str] = field(default_factory=set)  # unit subtrees (materialised paths)
    unit_ids: set[int] = field(default_factory=set)  # single units
    self_only: bool = False  # the cadre's own records (object helpers check the owner)

    @property
    def is_empty(self) -> bool:
        return not self.prefixes and not self.unit_ids

    def units_q(self, prefix: str = "") -> Q:
        """A condition on Unit (or, with prefix="unit__", on anything with a unit) for this scope."""
        q = Q(pk__in=[])
        for path in sorted(self._minimal_prefixes()):
            q |= Q(**{f"{prefix}path__startswith": path})
        if self.unit_ids:
            q |= Q(**{f"{prefix}pk__in": sorted(self.unit_ids)})
        return q

    def contains(self, unit) -> bool:
        return unit.pk in self.unit_ids or any(unit.path.startswith(p) for p in self.prefixes)

    def _minimal_prefixes(self) -> set[str]:
        # Drop a subtree already inside another one: fewer OR terms, same result.
        return {p for p in self.prefixes if not any(p != o and p.startswith(o) for o in self.prefixes)}


@dataclass
class _Access:
    assignments: list[RoleAssignment]
    supervised_paths: dict[int, list[str]]
    grants: list[ScopeGrant]
    scopes: dict[str, Scope] = field(default_factory=dict)


def _load(user) -> _Access:
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    now = timezone.now()
    assignments = list(
        RoleAssignment.objects.filter(RoleAssignment.active_q(now), user=user).select_related("anchor")
    )
    supervised_paths: dict[int, list[str]] = {}
    anchors = [
        a.anchor_id for a in assignments if ROLES[a.role].scope == ScopeKind.SUPERVISED and a.anchor_id
    ]
    if anchors:
        from django.apps import apps

        unit_model = apps.get_model("people", "Unit")
        for sup_id, path in unit_model.objects.filter(supervisor_id__in=anchors).values_list(
            "supervisor_id", "path"
        ):
            supervised_paths.setdefault(sup_id, []).append(path)
    grants = []
    if any(ROLES[a.role].scope == ScopeKind.GRANT for a in assignments):
        grants = list(ScopeGrant.objects.filter(ScopeGrant.active_q(now), user=user).select_related("unit"))
    access = _Access(assignments, supervised_paths, grants)
    setattr(user, _CACHE, access)
    return access


def forget(user) -> None:
    """Drop the cached scope (after a role change within the same request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def active_roles(user) -> list[str]:
    if not user or not user.is_authenticated:
        return []
    return sorted({a.role for a in _load(user).assignments})


def capabilities(user) -> frozenset[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset().union(*(ROLES[a.role].capabilities for a in _load(user).assignments))


def has_capability(user, capability: str) -> bool:
    return capability in capabilities(user)


def roles_with(user, capability: str) -> list[str]:
    return sorted({a.role for a in _load(user).assignments if capability in ROLES[a.role].capabilities})


def scope(user, capability: str) -> Scope:
    """The units `capability` reaches for `user` (empty if the user lacks the capability)."""
    if not user or not user.is_authenticated or not user.is_active:
        return Scope()
    access = _load(user)
    if capability in access.scopes:
        return access.scopes[capability]
    result = Scope()
    for a in access.assignments:
        role = ROLES[a.role]
        if capability not in role.capabilities:
            continue
        if role.scope == ScopeKind.SUBTREE and a.anchor_id:
            result.prefixes.add(a.anchor.path)
        elif role.scope == ScopeKind.UNIT and a.anchor_id:
            result.unit_ids.add(a.anchor_id)
        elif role.scope == ScopeKind.SUPERVISED and a.anchor_id:
            result.prefixes.update(access.supervised_paths.get(a.anchor_id, []))
        elif role.scope == ScopeKind.GRANT:
            for g in access.grants:
                if g.role == a.role:
                    if g.include_subtree:
                        result.prefixes.add(g.unit.path)
                    else:
                        result.unit_ids.add(g.unit_id)
        elif role.scope == ScopeKind.SELF:
            result.self_only = True
        # SHARING: the task-force sharing rules decide, per kind of information (taskforce app).
    access.scopes[capability] = result
    return result
