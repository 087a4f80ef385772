"""The requests of a quiz attempt that docs/deployment.md has nginx send to the quiz's own pool of workers."""

import re
from pathlib import Path

from django.urls import reverse

DEPLOYMENT = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"


def quiz_pool_locations():
    """The nginx locations that the deployment guide sends to the quiz's pool (127.0.0.1:8001)."""
    return tuple(re.findall(r"location (/\S+/) \{ proxy_pass http://127\.0\.0\.1:8001; \}", DEPLOYMENT.read_text()))


def test_every_request_of_an_attempt_is_sent_to_the_quiz_pool():
    locations = quiz_pool_locations()
    assert len(locations) == 2
    for path in (
        reverse(name, args=[7])
        for name in ("quiz_start", "quiz_attempt", "quiz_save", "quiz_submit", "quiz_attempt_result")
    ):
        assert path.startswith(locations), path


def test_the_pages_learners_read_around_a_quiz_stay_with_the_site():
    locations = quiz_pool_locations()
    assert locations
    for path in ("/", reverse("my_courses"), "/khoa-hoc/ky-nang-so-co-ban/bai-kiem-tra/", "/tai-khoan/login/"):
        assert not path.startswith(locations), path
