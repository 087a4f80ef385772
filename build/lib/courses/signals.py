"""Signals other apps listen to (certificates issue one when a course is completed)."""

from django.dispatch import Signal

# Sent once per enrolment, inside the transaction that completes it: enrolment=, record= (its TrainingRecord).
course_completed = Signal()
