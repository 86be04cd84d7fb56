"""The cadre's own page on a phone (issue 6, item 6): current reminder cards with what is to do on
each (acknowledge, report on the items), family-event pre-reports, and links to the other self-service
pages other apps register in the navigation with an `*.own` capability (e.g. the personal-matters
report, once the declarations app has one). Cards and conduct are read here; neither imports this."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import capabilities
from qinglian.cards.links import card_token
from qinglian.cards.models import Card

SHOWN_HERE = {"cards.own", "conduct.own"}
CARDS_SHOWN = 6
EVENTS_SHOWN = 5


def own_cards(user):
    """The recipient's cards as he sees them: issued, not revoked, newest quarter first."""
    return (
        Card.objects.filter(cadre__user=user)
        .exclude(status__in=[Card.Status.DRAFT, Card.Status.REVOKED])
        .select_related("batch", "batch__issuing_body", "unit")
        .order_by("-batch__year", "-batch__quarter", "-id")
    )


def _card_row(card: Card, today) -> dict:
    items = list(card.items.all())
    open_link = today <= card.valid_until
    todo = ""
    if open_link and card.status == Card.Status.ISSUED:
        todo = "acknowledge"
    elif open_link and card.status == Card.Status.ACKNOWLEDGED:
        todo = "report"
    return {
        "card": card,
        "items": items,
        "token": card_token(card) if open_link else "",
        "todo": todo,
        "not_fulfilled": sum(1 for i in items if i.result == "not_fulfilled"),
    }


def _other_links(user) -> list[dict]:
    """Navigation entries of other apps' self-service pages (capability `*.own`) the user holds."""
    from django.urls import NoReverseMatch, reverse

    from qinglian.core import navigation

    caps = capabilities(user)
    links = []
    for entry in sorted(getattr(navigation, "_ENTRIES", []), key=lambda e: (e.order, e.label)):
        if (
            not entry.capability.endswith(".own")
            or entry.capability in SHOWN_HERE
            or entry.capability not in caps
        ):
            continue
        try:
            links.append({"label": entry.label, "url": reverse(entry.url_name)})
        except NoReverseMatch:
            continue
    return links


@capability_required("cards.own")
def self_service(request):
    today = timezone.localdate()
    cards = list(own_cards(request.user).prefetch_related("items")[:CARDS_SHOWN])
    rows = [_card_row(c, today) for c in cards]
    caps = capabilities(request.user)
    events = None
    if "conduct.own" in caps:
        from qinglian.conduct.selectors import own_family_events

        events = list(own_family_events(user=request.user)[:EVENTS_SHOWN])
    ctx = {
        "cadre": getattr(request.user, "cadre", None),
        "rows": rows,
        "todo": sum(1 for r in rows if r["todo"]),
        "events": events,
        "links": _other_links(request.user),
    }
    return render(request, "cards/self.html", ctx)
