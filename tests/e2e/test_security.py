"""The site's Content Security Policy in a real browser: the pages work under it, and lesson videos play.

The browser has no network: the video players' hosts are answered by Playwright with a stand-in player page. The
browser applies the policy before any request leaves it, so what the policy blocks never reaches the stand-in.
"""

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from courses.demo_content import COURSES
from courses.models import CoursePage
from tests.e2e.test_organisation import log_in

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched_phone(phone):
    """The phone, recording every Content Security Policy violation of each page, and with video players
    answered by a stand-in page."""
    phone.add_init_script(RECORD_VIOLATIONS)
    for host in ("https://www.youtube-nocookie.com", "https://www.youtube.com"):
        phone.route(
            f"{host}/**",
            lambda route: route.fulfill(content_type="text/html; charset=utf-8", body="<p>Trình phát video</p>"),
        )
    return phone


def violations(page):
    return page.evaluate("window.cspViolations")


def lesson_with_video(player_url):
    """The demo learner's current lesson, now showing the video whose player is at ``player_url``."""
    lesson = CoursePage.objects.get(slug=COURSES[1]["slug"]).lessons()[1].specific
    video_url = "https://www.youtube.com/watch?v=lesson-video"
    Embed.objects.update_or_create(  # as the video block's finder stores it on a first view
        hash=get_embed_hash(video_url),
        defaults={
            "url": video_url,
            "type": "video",
            "provider_name": "YouTube",
            "html": f'<iframe width="320" height="180" src="{player_url}" title="Bài giảng" allowfullscreen></iframe>',
        },
    )
    lesson.body = json.dumps([{"type": "video", "value": video_url}])
    lesson.save()
    return lesson


def test_a_lesson_video_plays_in_the_privacy_enhanced_youtube_player(demo_site, watched_phone):
    lesson = lesson_with_video("https://www.youtube-nocookie.com/embed/lesson-video?feature=oembed")
    log_in(watched_phone, demo_site, "hocvien")
    expect(watched_phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))

    watched_phone.goto(demo_site + lesson.url)

    expect(watched_phone.frame_locator("iframe").get_by_text("Trình phát video")).to_be_visible()
    assert violations(watched_phone) == []


def test_a_player_from_a_host_not_configured_is_blocked(demo_site, watched_phone):
    lesson = lesson_with_video("https://www.youtube.com/embed/lesson-video?feature=oembed")
    log_in(watched_phone, demo_site, "hocvien")
    expect(watched_phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))

    watched_phone.goto(demo_site + lesson.url)

    watched_phone.wait_for_function("window.cspViolations.length > 0")
    assert violations(watched_phone) == ["frame-src https://www.youtube.com"]  # a report names only the origin
    expect(watched_phone.frame_locator("iframe").get_by_text("Trình phát video")).to_have_count(0)


def test_the_learners_pages_run_under_the_policy_without_a_violation(demo_site, watched_phone):
    course = CoursePage.objects.get(slug=COURSES[1]["slug"])
    log_in(watched_phone, demo_site, "hocvien")
    expect(watched_phone).to_have_url(re.compile(r"/khoa-hoc-cua-toi/$"))
    seen = {"my courses": violations(watched_phone)}

    for name, url in [
        ("home", "/"),
        ("course", course.url),
        ("lesson", course.lessons()[1].url),
        ("quiz", course.quizzes().get().url),
        ("certificate check", reverse("certificate_verify_form")),
    ]:
        watched_phone.goto(demo_site + url)
        seen[name] = violations(watched_phone)
    watched_phone.get_by_role("button", name="English").click()
    seen["after the language switch"] = violations(watched_phone)

    assert seen == {page: [] for page in seen}
