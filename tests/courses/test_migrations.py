"""The migration that gives question categories a unit and moves the bank's history to the unit-scoped log."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import QuestionCategory
from lms.models import UnitLogEntry
from tests.factories import make_trainer, make_unit_tree, migrate_back, migrate_forward


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_category_goes_to_its_owners_unit_with_those_inside_it_and_its_history_follows():
    tree = make_unit_tree()
    province_trainer = make_trainer(managed_unit=tree["province"])
    old = migrate_back(("courses", "0012_assignment_job_required")).get_model("courses", "QuestionCategory")
    owned = old.objects.create(name="Của tỉnh", owner_id=province_trainer.pk)
    inside = old.objects.create(name="Bên trong", parent=owned)
    old.objects.create(name="Không chủ", owner_id=make_trainer().pk)
    ModelLogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(QuestionCategory),
        object_id=str(inside.pk),
        label=inside.name,
        action="wagtail.edit",
        timestamp=timezone.now(),
    )

    migrate_forward()

    units = dict(QuestionCategory.objects.values_list("name", "unit"))
    assert units == {"Của tỉnh": tree["province"].pk, "Bên trong": tree["province"].pk, "Không chủ": None}
    moved = UnitLogEntry.objects.get(content_type__model="questioncategory", object_id=str(inside.pk))
    assert moved.unit == tree["province"]
    assert not ModelLogEntry.objects.filter(content_type__app_label="courses").exists()
