"""Create or update local units (residential areas...) from a spreadsheet."""

from lms.importers import UnitImport
from lms.management.importing import ImportCommand


class Command(ImportCommand):
    help = "Import units by code: columns Mã đơn vị, Tên đơn vị, Tên ngắn, Cấp, Mã đơn vị cấp trên, Hiệu lực từ."
    importer_class = UnitImport
