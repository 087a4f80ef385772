"""Data migrations of the courses app."""

import pytest
from wagtail.embeds.models import Embed

from tests.factories import migrate_back, migrate_forward


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_youtube_videos_already_shown_move_to_the_privacy_enhanced_player():
    migrate_back(("courses", "0012_assignment_job_required"))
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
