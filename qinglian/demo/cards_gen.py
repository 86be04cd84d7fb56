"""Demo data for the cadre's own page (issue 6): the `ganbu` login's cadre gets a (fictional) mobile
number on file, so that with `QINGLIAN_SMS_BACKEND=outbox` the card link offers the SMS code (the
text lands in the outbox table, nothing is sent), and two family-event pre-reports, one within the
caps and one beyond them, so the own page and the cadre page's sections show both results.

Call after the cards are issued (`_load_groups_and_cards`):

    from qinglian.demo.cards_gen import generate
    summary = generate(users={"ganbu": User.objects.get(username="ganbu")})
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

DEMO_MOBILE = "13800000000"  # fictional, shown only as "尾号0000"; the outbox backend sends nothing


@dataclass
class Summary:
    cadre: str = ""
    events: int = 0
    cards: int = 0


def generate(*, users: dict) -> Summary:
    from qinglian.cards.models import Card
    from qinglian.conduct import services as conduct
    from qinglian.conduct.models import FamilyEvent
    from qinglian.people.models import Cadre

    summary = Summary()
    user = users.get("ganbu")
    cadre = Cadre.objects.filter(user=user).first() if user is not None else None
    if cadre is None:
        return summary
    summary.cadre = cadre.name
    if not cadre.phone:
        Cadre.objects.filter(pk=cadre.pk).update(phone=DEMO_MOBILE)
    if not FamilyEvent.objects.filter(cadre=cadre).exists():
        today = timezone.localdate()
        conduct.family_event_file(user=user, kind="wedding", subject="女儿 结婚", event_date=today + timedelta(days=40),
                                  venue="东湖县城某酒店", tables=12, guests=150, cars=4, payer="own")  # fmt: skip
        conduct.family_event_file(user=user, kind="other", subject="父亲 七十寿宴", event_date=today + timedelta(days=75),
                                  venue="老家村委会礼堂", tables=20, guests=240, cars=6, payer="relatives")  # fmt: skip
    summary.events = FamilyEvent.objects.filter(cadre=cadre).count()
    summary.cards = Card.objects.filter(cadre=cadre).exclude(status__in=["draft", "revoked"]).count()
    return summary
