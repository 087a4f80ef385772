"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent once people are newly recorded as attending a session, with ``session`` and ``people``.
attendance_recorded = Signal()

# Sent by the ledger within the transaction that wrote training records, with ``person_ids``: the people
# who may have new records (some may have been there already).
training_recorded = Signal()

# Sent within a transaction that changed people or units in bulk (an import of people, units merged or moved),
# without a ``post_save`` for each: where people are, their category, dates or activity may have changed.
people_changed = Signal()
