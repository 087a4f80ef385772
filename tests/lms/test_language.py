import datetime

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

pytestmark = pytest.mark.django_db


def test_the_site_speaks_vietnamese_even_to_a_browser_that_asks_for_english(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})

    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text
    assert "Khóa học của tôi" in response.text


def test_the_language_switcher_turns_the_site_to_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/")
    client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    vietnamese = client.get("/")

    assert '<html lang="en">' in english.text
    assert "My courses" in english.text
    assert "Khóa học của tôi" in vietnamese.text


def test_an_unsupported_language_cookie_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = client.get("/")

    assert response["Content-Language"] == "vi"


def test_dates_show_as_day_month_year_in_vietnamese():
    with translation.override("vi"):
        assert date_format(datetime.date(2026, 3, 5)) == "05/03/2026"
        rendered = Template("{{ day|date:'SHORT_DATE_FORMAT' }}").render(Context({"day": datetime.date(2026, 3, 5)}))
    assert rendered == "05/03/2026"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_admins_date_pickers_show_and_read_the_day_first(language):
    fifth_of_march = datetime.date(2026, 3, 5)
    afternoon = datetime.datetime(2026, 3, 5, 14, 30)

    with translation.override(language):
        assert 'value="05/03/2026"' in AdminDateInput().render("day", fifth_of_march)
        assert 'value="05/03/2026 14:30"' in AdminDateTimeInput().render("moment", afternoon)
        assert forms.DateField(widget=AdminDateInput()).clean("05/03/2026") == fifth_of_march
        assert forms.DateTimeField(widget=AdminDateTimeInput()).clean("05/03/2026 14:30") == timezone.make_aware(
            afternoon
        )


def test_times_are_shown_in_vietnam_time():
    noon_utc = datetime.datetime(2026, 3, 5, 12, 0, tzinfo=datetime.UTC)

    assert timezone.localtime(noon_utc).hour == 19
