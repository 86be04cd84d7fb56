"""Background rendering of a batch's printable cards: chunks of about 50 cards (whole units) per
WeasyPrint run, one PDF per unit cut from each chunk, progress counted per chunk."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from qinglian.cards.models import Card, CardBatch, CardPrint


def fill_qr_codes(batch: CardBatch, chunk: int = 500) -> int:
    """The QR code of every card of the batch that has none yet (stored: printing reuses it)."""
    from qinglian.cards.printing import qr_data_uri

    done = 0
    while True:
        cards = list(
            Card.objects.filter(batch=batch, qr="")
            .exclude(status=Card.Status.REVOKED)
            .only("pk", "nonce")[:chunk]
        )
        if not cards:
            return done
        for c in cards:
            c.qr = qr_data_uri(c)
        Card.objects.bulk_update(cards, ["qr"])
        done += len(cards)


@task()
def print_batch(batch_id: int) -> int:
    from qinglian.cards.printing import chunks_by_unit, render_units

    batch = CardBatch.objects.get(pk=batch_id)
    fill_qr_codes(batch)
    cards = list(
        Card.objects.filter(batch=batch).exclude(status=Card.Status.REVOKED)
        .select_related("cadre", "unit", "batch__issuing_body").prefetch_related("items").order_by("unit_id", "pk")
    )  # fmt: skip
    done = 0
    try:
        for chunk in chunks_by_unit(cards):
            pdfs = render_units(chunk)
            counts: dict[int, int] = {}
            for c in chunk:
                counts[c.unit_id] = counts.get(c.unit_id, 0) + 1
            CardPrint.objects.filter(batch=batch, unit_id__in=list(pdfs)).delete()
            now = timezone.now()
            for unit_id, pdf in pdfs.items():
                p = CardPrint(batch=batch, unit_id=unit_id, cards=counts[unit_id], created_at=now)
                p.file.save(f"cards-{batch.pk}-{unit_id}.pdf", ContentFile(pdf), save=False)
                p.save()
            done += len(chunk)
            CardBatch.objects.filter(pk=batch.pk).update(print_progress=F("print_progress") + len(chunk))
    except Exception as exc:  # noqa: BLE001 (the page shows what failed; the log has the trace)
        CardBatch.objects.filter(pk=batch.pk).update(
            print_error=f"生成打印件失败：{type(exc).__name__}"[:255]
        )
        raise
    return done


@task()
def scan_talk_triggers() -> int:
    """Daily: the 十必谈 situations that appeared in the archive make a talk due."""
    from qinglian.cards.talks import triggers_scan

    return triggers_scan()
