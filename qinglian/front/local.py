"""All-in-one: the core's side of the exchange runs in the same deployment (core mode only)."""

from __future__ import annotations


def enqueue_local_exchange():
    from qinglian.intake.tasks import front_exchange_local

    front_exchange_local.enqueue()


def exchange_now():
    from qinglian.intake.public_sync import exchange_local

    exchange_local()
