"""What the registry tells other modules (they subscribe; people imports none of them).

`cadres_changed` is sent after the transaction that created or changed cadres commits, with their
ids (`cadre_ids=None`: too many to list, e.g. a large import — treat as "everyone").
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

cadres_changed = Signal()

MAX_LISTED = 2000


def announce_cadres_changed(cadre_ids) -> None:
    ids = sorted(set(cadre_ids))
    if not ids:
        return
    listed = ids if len(ids) <= MAX_LISTED else None
    transaction.on_commit(lambda: cadres_changed.send(sender="people", cadre_ids=listed))
