"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent once people are newly recorded as attending a session, with ``session`` and ``people``.
attendance_recorded = Signal()
