"""The migration that gives the units already there the folded key unit searches look in."""

import pytest

from lms.models import Unit
from tests.factories import make_unit_tree, migrate_back, migrate_forward

BEFORE = [("lms", "0012_people_moves")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_units_already_there_are_found_without_diacritics_after_the_migration():
    tree = make_unit_tree()
    migrate_back(*BEFORE)

    migrate_forward()

    assert Unit.objects.get(pk=tree["province"].pk).search_key == "tinh thai nguyen"
    assert set(Unit.objects.matching("phan dinh phung")) == {tree["commune"]}
