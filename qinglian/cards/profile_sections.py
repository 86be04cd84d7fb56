"""The cards app's sections of the cadre page (people.profile): reminder cards and talks, in the
viewer's cards.view scope. Each runs a fixed number of queries (bounded lists). Open 十必谈 dues are
only counted here, never described: their reasons stay on the talks page and its own rules."""

from __future__ import annotations

from django.db.models import Count, Q

from qinglian.accounts.scopes import scope

SHOWN = 5


def cards_context(viewer, cadre) -> dict | None:
    from qinglian.cards.models import Card

    cards = list(
        Card.objects.filter(scope(viewer, "cards.view").units_q("unit__"), cadre=cadre)
        .exclude(status=Card.Status.DRAFT)
        .select_related("batch")
        .annotate(n_items=Count("items"), n_failed=Count("items", filter=Q(items__result="not_fulfilled")))
        .order_by("-batch__year", "-batch__quarter", "-id")[:SHOWN]
    )
    return {"cards": cards}


def talks_context(viewer, cadre) -> dict | None:
    from qinglian.cards.models import TalkDue, TalkParticipant

    in_scope = scope(viewer, "cards.view")
    talks = list(
        TalkParticipant.objects.filter(in_scope.units_q("talk__unit__"), cadre=cadre)
        .select_related("talk")
        .order_by("-talk__held_on", "-id")[:SHOWN]
    )
    open_dues = TalkDue.objects.filter(in_scope.units_q("unit__"), cadre=cadre, talk__isnull=True).count()
    return {"talks": talks, "open_dues": open_dues}


def register() -> None:
    from qinglian.people.profile import ProfileSection, register_section

    register_section(ProfileSection("cards", "主体责任提醒卡", "cards/_profile_cards.html", "cards.view",
                                    cards_context, order=30))  # fmt: skip
    register_section(ProfileSection("talks", "谈话", "cards/_profile_talks.html", "cards.view",
                                    talks_context, order=31))  # fmt: skip
