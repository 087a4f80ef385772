"""Bring trainings done before the platform into the ledger."""

from lms.importers import TrainingHistoryImport
from lms.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import earlier trainings: one training record per row; importing the same file again adds nothing."
    importer_class = TrainingHistoryImport
