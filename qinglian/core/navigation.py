"""The navigation registry. Apps register their entries in `AppConfig.ready()`; the shell shows a
user only the entries whose capability the user holds. Core imports no app: arrows point here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url_name: str
    capability: str
    order: int = 100
    badge: Callable | None = None  # (user) -> int | None, e.g. open to-dos


_SECTIONS = {
    "工作台": 0,
    "人员与单位": 10,
    "档案与意见": 20,
    "信访与线索": 22,
    "日常监督": 24,
    "基层监督": 26,
    "工作专班": 28,
    "大数据比对": 30,
    "公文": 60,
    "系统": 90,
}
_ENTRIES: list[NavEntry] = []


def register(entry: NavEntry) -> None:
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def _visible(user):
    """(entry, address) of each entry this user may open, in the navigation's order."""
    from qinglian.accounts.scopes import (
        capabilities,  # the shell asks accounts; accounts never asks the shell
    )

    caps = capabilities(user)
    for e in sorted(_ENTRIES, key=lambda e: (_SECTIONS.get(e.section, 50), e.order, e.label)):
        if e.capability not in caps:
            continue
        try:
            yield e, reverse(e.url_name)
        except NoReverseMatch:
            continue


def navigation_for(user, request=None) -> list[dict]:
    sections: dict[str, list[dict]] = {}
    for e, url in _visible(user):
        sections.setdefault(e.section, []).append(
            {"label": e.label, "url": url, "active": False, "badge": e.badge(user) if e.badge else None}
        )
    # The current page highlights one entry: the one whose address is the longest prefix of it.
    if request is not None:
        matches = [
            entry
            for entries in sections.values()
            for entry in entries
            if entry["url"] != "/" and request.path.startswith(entry["url"])
        ]
        if matches:
            max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return [{"name": name, "entries": entries} for name, entries in sections.items()]


def first_entry_under(user, prefix: str) -> str | None:
    """The address of the first navigation entry this user may open under `prefix` (e.g.
    "/task-force/"), or None. (No badges counted: they query.)"""
    return next((url for _, url in _visible(user) if url.startswith(prefix)), None)
