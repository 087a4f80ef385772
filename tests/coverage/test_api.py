"""The coverage API other systems read with a key limited to a unit's subtree (docs/api.md), the command that
makes keys, and the keys' listing in the admin. The world is the one of test_admin.py."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from targets import services
from targets.models import ApiToken
from tests.coverage.test_admin import grow, make_target, make_world, queries_of, train
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def key_of(world, unit="province", name="CSDL dùng chung tỉnh Thái Nguyên"):
    """A new key for ``world.units[unit]``'s subtree."""
    _token, key = ApiToken.issue(name=name, unit=world.units[unit])
    return key


def ask(client, key=None, scheme="Bearer", **query):
    """The API's answer to ``query`` (the world's target unless another is given) with ``key``."""
    headers = {"Authorization": f"{scheme} {key}"} if key is not None else {}
    return client.get(reverse("coverage_api"), {"target": "3-lan", **query}, headers=headers)


def unit_json(unit):
    return {"code": unit.code, "name": unit.name, "level": unit.level}


def row_json(unit, *, population, met, trainings, percent, gap, own_people=False, status="on_track"):
    """A row as the API gives it, for the world's target (threshold 100%)."""
    return {
        "unit": unit_json(unit),
        "own_people": own_people,
        "population": population,
        "met": met,
        "trainings": trainings,
        "percent": percent,
        "threshold": 100,
        "gap": gap,
        "status": status,
    }


def assert_unauthorised(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="coverage"'
    assert "error" in response.json()


def test_the_api_refuses_a_request_without_a_key(client, world):
    assert_unauthorised(ask(client))


@pytest.mark.parametrize("scheme", ["Basic", "Bearer", ""])
def test_the_api_refuses_a_wrong_key_or_a_key_sent_another_way(client, world, scheme):
    key = key_of(world)
    assert ask(client, key).status_code == 200

    assert_unauthorised(ask(client, "wrong-key", scheme=scheme))
    if scheme != "Bearer":
        assert_unauthorised(ask(client, key, scheme=scheme))
    assert_unauthorised(ask(client, " ", scheme=scheme))


def test_the_api_refuses_a_key_switched_off_and_does_not_mark_it_used(client, world):
    token, key = ApiToken.issue(name="Hệ thống cũ", unit=world.units["province"])
    assert ask(client, key).status_code == 200
    token.refresh_from_db()
    used_at = token.last_used_at
    token.is_active = False
    token.save()

    assert_unauthorised(ask(client, key))
    token.refresh_from_db()
    assert token.last_used_at == used_at


def test_the_api_gives_a_units_coverage_with_a_row_per_unit_below_and_its_own_people(client, world):
    units = world.units

    # 545 of the term's 2,190 days have passed on 30/06/2026: a share of 24.9% is on track
    response = ask(client, key_of(world), unit=units["commune"].code, as_of="2026-06-30")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "target": {"slug": "3-lan", "name": "Ít nhất 3 lần trong nhiệm kỳ", "deadline": "2030-12-31", "threshold": 100},
        "unit": unit_json(units["commune"]),
        "as_of": "2026-06-30",
        "from_snapshot": False,
        "total": row_json(units["commune"], population=5, met=2, trainings=10, percent=40.0, gap=3),
        "rows": [
            row_json(units["commune"], own_people=True, population=2, met=1, trainings=5, percent=50.0, gap=1),
            row_json(units["area"], population=2, met=1, trainings=4, percent=50.0, gap=1),
            row_json(units["other_area"], population=1, met=0, trainings=1, percent=0.0, gap=1, status="behind"),
        ],
    }
    assert "Phường Phan Đình Phùng".encode() in response.content  # not escaped as \\u...


def test_the_api_gives_the_keys_own_unit_when_no_unit_is_asked_for(client, world):
    body = ask(client, key_of(world)).json()

    assert body["unit"] == unit_json(world.units["province"])
    assert [(row["unit"]["code"], row["own_people"], row["population"], row["met"]) for row in body["rows"]] == [
        (world.units["province"].code, True, 1, 1),
        (world.units["commune"].code, False, 5, 2),
        (world.units["other_commune"].code, False, 1, 1),
    ]
    assert (body["total"]["population"], body["total"]["met"], body["total"]["trainings"]) == (7, 4, 16)


def test_the_api_reports_as_of_a_past_day_and_never_after_today(client, world):
    body = ask(client, key_of(world), unit=world.units["commune"].code, as_of="2030-12-31").json()

    assert body["as_of"] == timezone.localdate().isoformat()  # not after today
    past = ask(client, key_of(world, name="Hệ thống 2"), unit=world.units["area"].code, as_of="2026-02-28").json()
    assert past["as_of"] == "2026-02-28"
    assert (past["total"]["population"], past["total"]["met"], past["total"]["percent"]) == (2, 0, 0.0)


def test_the_api_reads_a_past_day_from_its_snapshot(client, world):
    services.take_snapshot(target=world.target, as_of=date(2026, 6, 1))
    train(world.people["hoa"], 1, day=date(2026, 5, 1))  # imported later, dated before

    key = key_of(world)
    past = ask(client, key, unit=world.units["commune"].code, as_of="2026-06-01").json()
    today = ask(client, key, unit=world.units["commune"].code).json()

    assert (past["from_snapshot"], past["total"]["met"], past["total"]["trainings"]) == (True, 2, 10)
    assert (today["from_snapshot"], today["total"]["met"], today["total"]["trainings"]) == (False, 3, 11)


def test_the_api_marks_the_key_used(client, world):
    token, key = ApiToken.issue(name="CSDL tỉnh", unit=world.units["province"])
    assert token.last_used_at is None
    before = timezone.now()

    ask(client, key)

    token.refresh_from_db()
    assert token.last_used_at >= before


@pytest.mark.parametrize("unit", ["central", "other_province", "other_commune", "outside_area"])
def test_the_api_refuses_a_unit_outside_the_keys_subtree(client, world, unit):
    key = key_of(world, unit="commune")
    assert ask(client, key, unit=world.units["area"].code).status_code == 200

    response = ask(client, key, unit=world.units[unit].code)

    assert response.status_code == 404
    assert "error" in response.json()


def test_the_api_says_an_unknown_unit_target_or_a_switched_off_target_is_not_found(client, world):
    key = key_of(world)
    make_target(world.units["province"], slug="het-hieu-luc", is_active=False)

    for query in ({"unit": "khong-co"}, {"target": "khong-co"}, {"target": "het-hieu-luc"}, {"target": ""}):
        response = ask(client, key, **query)
        assert response.status_code == 404
        assert "error" in response.json()


@pytest.mark.parametrize("as_of", ["31/12/2026", "2026-02-30", "hôm nay"])
def test_the_api_refuses_a_day_that_is_not_a_date(client, world, as_of):
    response = ask(client, key_of(world), as_of=as_of)

    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["error"]


def test_the_api_answers_only_get(client, world):
    response = client.post(
        reverse("coverage_api"), {"target": "3-lan"}, headers={"Authorization": f"Bearer {key_of(world)}"}
    )

    assert response.status_code == 405


def test_the_api_takes_the_same_number_of_queries_whatever_the_number_of_units_and_people(client, world):
    key = key_of(world)
    page = reverse("coverage_api") + "?target=3-lan"
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    few = queries_of(client, page)

    grow(world.units["province"], units=6)
    grow(world.units["commune"], units=6)

    assert queries_of(client, page) == few


def make_key(code, name="CSDL dùng chung"):
    """The key ``create_api_key`` prints."""
    output = io.StringIO()
    call_command("create_api_key", "--name", name, "--unit", code, stdout=output)
    return output.getvalue().strip()


def test_a_key_made_by_the_command_reads_its_units_subtree(client, world):
    key = make_key(world.units["commune"].code)

    token = ApiToken.objects.get()
    assert (token.name, token.unit, token.is_active) == ("CSDL dùng chung", world.units["commune"], True)
    assert key not in token.key_hash
    assert ask(client, key).json()["total"]["population"] == 5
    assert ask(client, key, unit=world.units["province"].code).status_code == 404


def test_the_command_names_the_unit_it_does_not_know(world):
    with pytest.raises(CommandError, match="khong-co"):
        make_key("khong-co")

    assert not ApiToken.objects.exists()


def test_each_key_made_is_different(world):
    assert make_key(world.units["commune"].code) != make_key(world.units["commune"].code)


def test_the_api_keys_listing_takes_no_more_queries_for_more_keys(client, world):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    key_of(world)
    few = queries_of(client, reverse("coverage_apitoken:index"))

    for number in range(10):
        key_of(world, unit="commune" if number % 2 else "area", name=f"Hệ thống {number}")

    assert queries_of(client, reverse("coverage_apitoken:index")) == few
