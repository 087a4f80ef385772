"""Data migrations of the courses app."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.embeds.models import Embed
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_youtube_videos_already_shown_move_to_the_privacy_enhanced_player():
    migrate_back(("courses", "0013_category_unit"))
    youtube = Embed.objects.create(
        url="https://www.youtube.com/watch?v=lesson-video",
        html='<iframe src="https://www.youtube.com/embed/lesson-video?feature=oembed"></iframe>',
        hash="youtube",
    )
    vimeo = Embed.objects.create(
        url="https://vimeo.com/76979871",
        html='<iframe src="https://player.vimeo.com/video/76979871"></iframe>',
        hash="vimeo",
    )

    migrate_forward()

    youtube.refresh_from_db()
    vimeo.refresh_from_db()
    assert youtube.html == '<iframe src="https://www.youtube-nocookie.com/embed/lesson-video?feature=oembed"></iframe>'
    assert vimeo.html == '<iframe src="https://player.vimeo.com/video/76979871"></iframe>'
