"""Signals the core app sends. Receivers live in the apps that care (arrows point to core)."""

from django.dispatch import Signal

# Sent (keyword argument `year: int`) after an administrator entered or changed the holiday
# schedule of `year`, inside the same transaction and after the working-day cache was cleared, so
# that receivers recompute what they derived from the calendar (e.g. provisional deadlines).
holiday_schedule_changed = Signal()
