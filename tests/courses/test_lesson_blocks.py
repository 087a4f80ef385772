"""A lesson body's blocks as a learner's phone receives them."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.embeds import oembed_providers
from wagtail.embeds.finders import get_finders
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from courses import services
from tests.courses.helpers import make_catalogue, make_course, make_learner_person, make_lesson
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

VIDEO_URL = "https://www.youtube.com/watch?v=lesson-video"


@pytest.fixture
def lesson_html(client):
    """Render a lesson holding every kind of block, for an enrolled learner; return its HTML."""

    def render(body):
        course = make_course(make_catalogue(), lessons=0)
        lesson = make_lesson(course, body=json.dumps(body))
        learner = make_learner_person(make_unit())
        services.enrol(person=learner, course=course)
        client.force_login(learner.user)
        response = client.get(lesson.url)
        assert response.status_code == 200
        return response.text

    return render


def test_images_are_served_as_responsive_renditions(lesson_html):
    image = Image.objects.create(title="Màn hình cài đặt", file=get_test_image_file(size=(1600, 900)))

    html = lesson_html(
        [{"type": "image", "value": {"image": image.pk, "decorative": False, "alt_text": "Màn hình cài đặt"}}]
    )

    assert "<picture>" in html
    assert 'sizes="(max-width: 760px) 100vw, 720px"' in html
    assert 'loading="lazy"' in html
    assert set(image.renditions.values_list("width", flat=True)) == {360, 720, 1080}
    assert 'alt="Màn hình cài đặt"' in html
    assert image.file.url not in html


def test_a_document_is_offered_for_download_with_its_type_and_size(lesson_html):
    document = Document.objects.create(title="Hướng dẫn ký số", file=ContentFile(b"%PDF-1.4 " * 300, "huong-dan.pdf"))
    document.get_file_size()  # stored on upload in the admin

    html = lesson_html([{"type": "document", "value": {"document": document.pk, "title": ""}}])

    assert f'<a href="{document.url}" download>' in html
    assert "Hướng dẫn ký số" in html
    assert "(PDF, 2,6\xa0KB)" in html


def test_callouts_and_steps_are_rendered(lesson_html):
    html = lesson_html(
        [
            {"type": "callout", "value": {"kind": "warning", "title": "Cẩn thận", "text": "<p>Không đọc mã OTP.</p>"}},
            {
                "type": "steps",
                "value": {
                    "title": "Bật xác thực hai lớp",
                    "steps": [
                        {"title": "Mở cài đặt", "text": "<p>Chọn Bảo mật.</p>", "image": None},
                        {"title": "Bật xác thực", "text": "", "image": None},
                    ],
                },
            },
        ]
    )

    assert 'class="callout callout--warning"' in html
    assert "Không đọc mã OTP." in html
    assert "<h2>Bật xác thực hai lớp</h2>" in html
    assert html.count("<li><strong>") == 2


@pytest.fixture
def youtube_oembed(settings):
    """YouTube's oEmbed endpoint, faked on 127.0.0.1 with the answer YouTube gives, and the video block's finder
    pointed at it."""

    class OEmbed(BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(
                {
                    "type": "video",
                    "title": "Bài giảng",
                    "provider_name": "YouTube",
                    "html": '<iframe width="200" height="113" src="https://www.youtube.com/embed/lesson-video?feature=oembed"'
                    ' referrerpolicy="strict-origin-when-cross-origin" allowfullscreen title="Bài giảng"></iframe>',
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), OEmbed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    youtube = {**oembed_providers.youtube, "endpoint": f"http://127.0.0.1:{server.server_port}/oembed"}
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "courses.embeds.YouTubeNoCookieFinder", "providers": [youtube]}]
    get_finders.cache_clear()
    yield
    get_finders.cache_clear()
    server.shutdown()


def test_a_youtube_video_plays_from_the_privacy_enhanced_player(lesson_html, youtube_oembed):
    html = lesson_html([{"type": "video", "value": VIDEO_URL}])

    assert (
        '<iframe width="200" height="113" src="https://www.youtube-nocookie.com/embed/lesson-video?feature=oembed"'
        in html
    )
    assert Embed.objects.get(url=VIDEO_URL).html.count("youtube-nocookie.com") == 1
