"""Sections of the cadre page contributed by other apps (cards, talks, family events, groups …).

People imports none of them: an app registers its section in `AppConfig.ready()`:

    register_section(ProfileSection("cards", "主体责任提醒卡", "cards/_profile_cards.html",
                                    "cards.view", cards_context, order=30))

The page shows a section only to a viewer who holds its capability with the cadre's unit inside that
capability's scope; the context function (viewer, cadre) returns the template's context, or None to
hide the section. A context function must run a fixed number of queries (a bounded, prefetched
list): the cadre page asserts its query count does not grow with the records shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    template: str
    capability: str
    context: Callable  # (viewer, cadre) -> dict | None
    order: int = 100


_SECTIONS: dict[str, ProfileSection] = {}


def register_section(section: ProfileSection) -> None:
    _SECTIONS[section.key] = section


def registered() -> list[ProfileSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def sections_for(viewer, cadre) -> list[dict]:
    """The sections this viewer may see on this cadre's page, with their context."""
    from qinglian.accounts.scopes import capabilities, scope

    caps = capabilities(viewer)
    shown = []
    for section in registered():
        if section.capability not in caps or not scope(viewer, section.capability).contains(cadre.unit):
            continue
        data = section.context(viewer, cadre)
        if data is None:
            continue
        shown.append({"key": section.key, "title": section.title, "template": section.template, "data": data})
    return shown
