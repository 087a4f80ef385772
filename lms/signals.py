"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent once people are newly recorded as attending a session, with ``session`` and ``people``.
attendance_recorded = Signal()

# Sent by the ledger within the transaction that wrote training records, with ``person_ids``: the people
# who may have new records (some may have been there already).
training_recorded = Signal()
