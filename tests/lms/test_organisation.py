import random
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from lms import ledger, services
from lms.models import (
    Attendance,
    AttendanceMethod,
    Person,
    PersonMove,
    TrainingKind,
    TrainingRecord,
    Unit,
    UnitLevel,
    UnitLogEntry,
)
from lms.vietnamese import fold, name_sort_key
from tests.factories import make_person, make_session, make_unit, make_unit_tree

pytestmark = pytest.mark.django_db

# Written out by hand from the rule: given name, then middle names, then family name; letters in
# Vietnamese order (a ă â b c d đ e ê ... o ô ơ ... u ư ...), a shorter word first, and tones
# (level, grave, hook, tilde, acute, dot below) only when all the letters are the same.
NAMES_IN_ORDER = [
    "Dương Văn An",  # d before đ in the family name
    "Đỗ Văn An",
    "Lê Văn An",
    "Lê Văn Án",  # same letters as An: the tone breaks the tie
    "Lê Văn Anh",  # letters before tones: Án < Anh
    "Lê Văn Ánh",
    "Lê Văn Ân",  # â is a letter after a
    "Trần Thị Bình",
    "Lê Đình Dũng",
    "Lê Văn Đạt",  # đ after d
    "Lê Thị Ha",
    "Lê Thị Hà",
    "Lê Thị Hả",
    "Lê Thị Hã",
    "Lê Thị Há",
    "Lê Thị Hạ",
    "Lê Minh Hoa",  # middle name before family name
    "Lê Thị Hoa",
    "Lê Thị Hòa",  # the tone ties Lê Thị Hoa but never beats the letters of Nguyễn
    "Nguyễn Thị Hoa",
    "Trần Văn Hoàng",
    "Phạm Thị Hồng",  # o < ô < ơ
    "Vũ Văn Hợp",
    "Võ Thị Tam",  # a < ă < â
    "Bùi Văn Tăng",
    "Hồ Thị Tâm",
    "Nguyễn Văn Tèo",  # e < ê
    "Đặng Văn Tế",
    "Lý Thị Thu",  # u < ư
    "Mai Văn Thuận",
    "Phan Thị Thư",
]


def official_row(province_code, province_short, ward_code, ward_short, *, province_type="Tỉnh", ward_type="Xã"):
    """A row shaped like a vietnamadminunits ``admin_units`` record (only the keys the loader reads)."""
    return {
        "provinceCode": province_code,
        "province": f"{province_type} {province_short}",
        "provinceShort": province_short,
        "wardCode": ward_code,
        "ward": f"{ward_type} {ward_short}",
        "wardShort": ward_short,
    }


OFFICIAL_ROWS = [
    official_row("19", "Thái Nguyên", "01840", "Đức Xuân", ward_type="Phường"),
    official_row("19", "Thái Nguyên", "05434", "Phú Bình"),
    official_row("24", "Bắc Ninh", "07210", "Kinh Bắc", ward_type="Phường"),
]


def tree_snapshot():
    """Everything a merger may change, to prove that a refused one changed nothing."""
    units = list(
        Unit.objects.order_by("pk").values_list(
            "pk", "path", "numchild", "is_active", "valid_to", "merged_into", "province", "commune"
        )
    )
    people = list(Person.objects.order_by("pk").values_list("pk", "unit", "province", "commune"))
    return units, people


# Vietnamese names: order and search


def test_names_sort_by_given_name_then_middle_then_family_in_vietnamese_letter_order():
    shuffled = random.Random(2026).sample(NAMES_IN_ORDER, len(NAMES_IN_ORDER))

    assert sorted(shuffled, key=name_sort_key) == NAMES_IN_ORDER


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Lê Văn An", "Lê Văn Anh"),
        ("Lê Văn Ánh", "Lê Văn Ân"),
        ("Lê Thị Hà", "Lê Thị Hạ"),
        ("Lê Văn Dũng", "Lê Văn Đạt"),
        ("Phạm Văn Ôn", "Phạm Văn Ơn"),
        ("Phạm Văn Ung", "Phạm Văn Ưng"),
        ("Lê Em", "Lê Êm"),
        ("Lê Văn An", "Lê Văn Ăn"),
    ],
)
def test_a_name_sorts_before_the_next_one_in_the_vietnamese_alphabet(before, after):
    assert name_sort_key(before) < name_sort_key(after)


def test_the_sort_key_ignores_case_extra_spaces_and_unicode_composition():
    decomposed = "NGUYE\u0302\u0303N  va\u0306n   A\u0302n"

    assert name_sort_key(decomposed) == name_sort_key("Nguyễn Văn Ân")


def test_a_mark_vietnamese_does_not_put_on_a_letter_sorts_as_the_bare_letter():
    assert name_sort_key("Lê Văn Îm") == name_sort_key("Lê Văn Im")
    assert name_sort_key("Bùi Ŭt") == name_sort_key("Bùi Ut")


def test_the_database_lists_people_in_vietnamese_name_order():
    unit = make_unit()
    for name in random.Random(19).sample(NAMES_IN_ORDER, len(NAMES_IN_ORDER)):
        make_person(unit=unit, full_name=name)

    names = list(Person.objects.in_name_order().values_list("full_name", flat=True))

    assert names == NAMES_IN_ORDER


def test_folding_removes_diacritics_case_and_extra_spaces():
    assert fold("  Nguyễn  Văn Ân ") == "nguyen van an"
    assert fold("LÊ ĐỨC ANH") == "le duc anh"
    assert fold("Nguye\u0302\u0303n Thị Hương") == "nguyen thi huong"


@pytest.mark.parametrize("text", ["nguyen van an", "Nguyễn Văn An", "NGUYỄN VĂN AN", "van an"])
def test_a_person_is_found_by_name_with_or_without_diacritics(text):
    unit = make_unit()
    an = make_person(unit=unit, full_name="Nguyễn Văn An")
    make_person(unit=unit, full_name="Trần Thị Bình")

    assert list(Person.objects.matching(text)) == [an]


@pytest.mark.parametrize("text", ["đức", "duc", "Đức Anh"])
def test_d_with_stroke_is_found_with_or_without_its_stroke(text):
    unit = make_unit()
    duc_anh = make_person(unit=unit, full_name="Lê Đức Anh")
    make_person(unit=unit, full_name="Lê Văn Anh")

    assert list(Person.objects.matching(text)) == [duc_anh]


@pytest.mark.parametrize("text", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_a_person_is_found_by_phone_number_however_it_is_typed(text):
    unit = make_unit()
    lan = make_person(unit=unit, full_name="Phạm Thị Lan", phone="+84 912 345 678")
    make_person(unit=unit, full_name="Phạm Thị Lành")

    assert list(Person.objects.matching(text)) == [lan]


def test_a_person_is_found_by_external_id():
    unit = make_unit()
    lan = make_person(unit=unit, full_name="Phạm Thị Lan", external_id="TN-0042")
    make_person(unit=unit, full_name="Phạm Thị Lành", external_id="TN-0043")

    assert list(Person.objects.matching(" TN-0042 ")) == [lan]


def test_a_name_that_does_not_match_finds_no_one():
    unit = make_unit()
    make_person(unit=unit, full_name="Nguyễn Văn An")
    make_person(unit=unit, full_name="Lê Đức Anh")

    assert list(Person.objects.matching("Hoàng Thị Mai")) == []
    assert list(Person.objects.matching("0987654321")) == []


# Units


def test_adding_units_sets_their_province_and_commune():
    tree = make_unit_tree()
    central, province, commune, area = tree["central"], tree["province"], tree["commune"], tree["area"]

    for unit in (central, province, commune, area):
        unit.refresh_from_db()
    assert (central.province_id, central.commune_id) == (None, None)
    assert (province.province_id, province.commune_id) == (province.pk, None)
    assert (commune.province_id, commune.commune_id) == (province.pk, commune.pk)
    assert (area.province_id, area.commune_id) == (province.pk, commune.pk)
    assert area.get_parent() == commune
    assert Unit.find_problems() == ([], [], [], [], [])


def test_a_person_takes_the_province_and_commune_of_their_unit():
    tree = make_unit_tree()

    person = make_person(unit=tree["area"])

    person.refresh_from_db()
    assert (person.province_id, person.commune_id) == (tree["province"].pk, tree["commune"].pk)


def test_units_are_never_deleted():
    unit = make_unit()

    with pytest.raises(ValidationError):
        unit.delete()

    assert Unit.objects.filter(pk=unit.pk).exists()


def test_people_are_never_deleted():
    person = make_person(unit=make_unit())

    with pytest.raises(ValidationError):
        person.delete()

    assert Person.objects.filter(pk=person.pk).exists()


def test_two_units_cannot_share_a_code():
    central = make_unit(code="TW-1")
    units_before = Unit.objects.count()

    with pytest.raises(ValidationError) as raised:
        make_unit(parent=central, code="TW-1")

    assert "code" in raised.value.message_dict
    assert Unit.objects.count() == units_before


def test_the_code_of_a_merged_unit_is_never_reused():
    tree = make_unit_tree()
    old_code = tree["other_commune"].code
    services.merge_units(sources=[tree["other_commune"]], target=tree["commune"], on_date=date(2025, 7, 1))

    with pytest.raises(ValidationError):
        make_unit(parent=tree["province"], code=old_code)

    assert Unit.objects.filter(code=old_code).count() == 1


# Loading the official list of provinces and communes


def test_loading_the_official_list_builds_central_provinces_and_communes():
    counts = services.load_official_units(rows=OFFICIAL_ROWS)

    assert counts == {"created": 1 + 2 + 3, "renamed": 0}
    central = Unit.objects.get(code=services.CENTRAL_UNIT_CODE)
    assert central.is_root()
    assert central.level == UnitLevel.CENTRAL
    thai_nguyen, bac_ninh = Unit.objects.get(code="19"), Unit.objects.get(code="24")
    for province in (thai_nguyen, bac_ninh):
        assert province.get_parent() == central
        assert province.level == UnitLevel.PROVINCE
        assert (province.province_id, province.commune_id) == (province.pk, None)
        assert province.valid_from == date(2025, 7, 1)
    assert (thai_nguyen.name, thai_nguyen.short_name) == ("Tỉnh Thái Nguyên", "Thái Nguyên")
    assert [(c.code, c.name) for c in thai_nguyen.get_children()] == [
        ("01840", "Phường Đức Xuân"),
        ("05434", "Xã Phú Bình"),
    ]
    kinh_bac = Unit.objects.get(code="07210")
    assert kinh_bac.get_parent() == bac_ninh
    assert kinh_bac.level == UnitLevel.COMMUNE
    assert (kinh_bac.province_id, kinh_bac.commune_id) == (bac_ninh.pk, kinh_bac.pk)
    assert kinh_bac.short_name == "Kinh Bắc"
    assert Unit.find_problems() == ([], [], [], [], [])


def test_loading_the_official_list_twice_creates_nothing_more():
    services.load_official_units(rows=OFFICIAL_ROWS)
    before = list(Unit.objects.values_list("pk", "code", "path", "name"))

    counts = services.load_official_units(rows=OFFICIAL_ROWS)

    assert counts == {"created": 0, "renamed": 0}
    assert list(Unit.objects.values_list("pk", "code", "path", "name")) == before


def test_a_renamed_ward_is_renamed_not_duplicated():
    services.load_official_units(rows=OFFICIAL_ROWS)
    ward = Unit.objects.get(code="05434")
    renamed_rows = [*OFFICIAL_ROWS[:1], official_row("19", "Thái Nguyên", "05434", "Phú Bình Mới"), *OFFICIAL_ROWS[2:]]

    counts = services.load_official_units(rows=renamed_rows)

    assert counts == {"created": 0, "renamed": 1}
    assert Unit.objects.filter(code="05434").count() == 1
    ward.refresh_from_db()
    assert (ward.name, ward.short_name) == ("Xã Phú Bình Mới", "Phú Bình Mới")


def test_a_new_ward_of_a_loaded_province_is_added_under_it():
    services.load_official_units(rows=OFFICIAL_ROWS)

    counts = services.load_official_units(rows=[*OFFICIAL_ROWS, official_row("19", "Thái Nguyên", "05500", "Vạn Phú")])

    assert counts == {"created": 1, "renamed": 0}
    thai_nguyen = Unit.objects.get(code="19")
    assert [c.code for c in thai_nguyen.get_children()] == ["01840", "05434", "05500"]
    new_ward = Unit.objects.get(code="05500")
    assert (new_ward.province_id, new_ward.commune_id) == (thai_nguyen.pk, new_ward.pk)
    assert Unit.find_problems() == ([], [], [], [], [])


def test_a_renamed_province_counts_as_one_rename():
    services.load_official_units(rows=OFFICIAL_ROWS)
    renamed_rows = [
        {**row, "province": "Tỉnh Thái Nguyên Mới"} if row["provinceCode"] == "19" else row for row in OFFICIAL_ROWS
    ]

    counts = services.load_official_units(rows=renamed_rows)

    assert Unit.objects.get(code="19").name == "Tỉnh Thái Nguyên Mới"
    assert counts == {"created": 0, "renamed": 1}


def test_the_load_admin_units_command_loads_the_92_communes_of_thai_nguyen():
    output = StringIO()

    call_command("load_admin_units", province="19", stdout=output)

    thai_nguyen = Unit.objects.get(code="19")
    assert thai_nguyen.name == "Tỉnh Thái Nguyên"
    assert thai_nguyen.get_parent().code == services.CENTRAL_UNIT_CODE
    communes = thai_nguyen.get_children()
    assert communes.count() == 92
    assert set(communes.values_list("level", "province", "depth")) == {(UnitLevel.COMMUNE, thai_nguyen.pk, 3)}
    assert Unit.objects.count() == 1 + 1 + 92
    assert Unit.find_problems() == ([], [], [], [], [])
    assert "92 communes read; 94 units created" in output.getvalue()


# Mergers


@pytest.fixture
def merger():
    """Two communes of a province (the first with two residential areas) to merge into a third."""
    tree = make_unit_tree()
    tree["target"] = make_unit(parent=tree["province"], name="Phường Quyết Thắng")
    tree["target_area"] = make_unit(parent=tree["target"], name="Tổ dân phố Quyết Thắng 1")
    tree["other_commune_area"] = make_unit(parent=tree["other_commune"], name="Xóm Gia Sàng")
    tree["in_commune"] = make_person(unit=tree["commune"], full_name="Nguyễn Thị Hoa")
    tree["in_area"] = make_person(unit=tree["area"], full_name="Trần Văn Bình")
    tree["in_other_commune"] = make_person(unit=tree["other_commune"], full_name="Lê Đức Anh")
    tree["in_target"] = make_person(unit=tree["target"], full_name="Phạm Thị Lan")
    return tree


def test_merging_two_communes_moves_their_areas_and_people_to_the_target(merger):
    commune, other_commune, target = merger["commune"], merger["other_commune"], merger["target"]

    services.merge_units(sources=[commune, other_commune], target=target, on_date=date(2025, 7, 1))

    target.refresh_from_db()
    assert [child.pk for child in target.get_children()] == [
        merger["target_area"].pk,
        merger["area"].pk,
        merger["other_area"].pk,
        merger["other_commune_area"].pk,
    ]
    assert target.numchild == 4
    for key in ("in_commune", "in_other_commune", "in_target"):
        assert Person.objects.get(pk=merger[key].pk).unit_id == target.pk
    assert Person.objects.get(pk=merger["in_area"].pk).unit_id == merger["area"].pk
    assert set(Person.objects.in_unit(target).values_list("pk", flat=True)) == {
        merger[key].pk for key in ("in_commune", "in_area", "in_other_commune", "in_target")
    }
    assert Unit.find_problems() == ([], [], [], [], [])


def test_merging_keeps_where_each_moved_person_was_and_from_which_day(merger):
    commune, other_commune, target = merger["commune"], merger["other_commune"], merger["target"]

    services.merge_units(sources=[commune, other_commune], target=target, on_date=date(2025, 7, 1))

    assert set(PersonMove.objects.values_list("person", "from_unit", "to_unit", "moved_on")) == {
        (merger["in_commune"].pk, commune.pk, target.pk, date(2025, 7, 1)),
        (merger["in_other_commune"].pk, other_commune.pk, target.pk, date(2025, 7, 1)),
    }  # the people of the areas stay in their areas, which move with the commune


def test_merged_communes_are_closed_but_keep_their_codes(merger):
    commune, other_commune, target = merger["commune"], merger["other_commune"], merger["target"]
    codes = (commune.code, other_commune.code)

    services.merge_units(sources=[commune, other_commune], target=target, on_date=date(2025, 7, 1))

    for source, code in zip((commune, other_commune), codes, strict=True):
        source.refresh_from_db()
        assert source.is_active is False
        assert source.valid_to == date(2025, 7, 1)
        assert source.merged_into_id == target.pk
        assert source.code == code
        assert source.numchild == 0
    target.refresh_from_db()
    assert target.is_active is True
    assert target.valid_to is None


def test_moved_units_and_people_take_the_province_and_commune_of_the_target(merger):
    target = merger["target"]

    services.merge_units(sources=[merger["commune"], merger["other_commune"]], target=target)

    for key in ("area", "other_area", "other_commune_area"):
        unit = Unit.objects.get(pk=merger[key].pk)
        assert (unit.province_id, unit.commune_id) == (merger["province"].pk, target.pk)
    for key in ("in_commune", "in_area", "in_other_commune"):
        person = Person.objects.get(pk=merger[key].pk)
        assert (person.province_id, person.commune_id) == (merger["province"].pk, target.pk)


def test_merging_across_provinces_moves_people_to_the_new_province(merger):
    other_province = merger["other_province"]
    target = make_unit(parent=other_province, name="Phường Kinh Bắc")

    services.merge_units(sources=[merger["commune"]], target=target)

    for key in ("in_commune", "in_area"):
        person = Person.objects.get(pk=merger[key].pk)
        assert (person.province_id, person.commune_id) == (other_province.pk, target.pk)
    area = Unit.objects.get(pk=merger["area"].pk)
    assert area.get_parent() == target
    assert (area.province_id, area.commune_id) == (other_province.pk, target.pk)
    assert set(Person.objects.in_unit(merger["province"]).values_list("pk", flat=True)) == {
        merger["in_other_commune"].pk,
        merger["in_target"].pk,
    }
    assert Unit.find_problems() == ([], [], [], [], [])


def test_merging_two_provinces_keeps_each_commune_as_the_commune_of_its_people(merger):
    province, other_province = merger["province"], merger["other_province"]

    services.merge_units(sources=[province], target=other_province)

    for key in ("commune", "other_commune", "target"):
        unit = Unit.objects.get(pk=merger[key].pk)
        assert unit.get_parent() == other_province
        assert (unit.province_id, unit.commune_id) == (other_province.pk, unit.pk)
    person = Person.objects.get(pk=merger["in_area"].pk)
    assert (person.province_id, person.commune_id) == (other_province.pk, merger["commune"].pk)


def test_training_records_keep_the_unit_they_were_made_in_after_a_merger(merger):
    commune, target = merger["commune"], merger["target"]
    session = make_session(organising_unit=commune)
    services.record_attendance(
        session=session, people=[merger["in_commune"], merger["in_area"]], method=AttendanceMethod.TICKED
    )
    before = list(TrainingRecord.objects.order_by("pk").values_list("pk", "person", "unit", "province", "commune"))

    services.merge_units(sources=[commune], target=target)

    assert list(TrainingRecord.objects.order_by("pk").values_list("pk", "person", "unit", "province", "commune")) == (
        before
    )
    record = TrainingRecord.objects.get(person=merger["in_commune"])
    assert (record.unit_id, record.commune_id) == (commune.pk, commune.pk)


def test_a_merger_is_written_to_the_audit_log(merger):
    commune, other_commune, target = merger["commune"], merger["other_commune"], merger["target"]

    services.merge_units(sources=[commune, other_commune], target=target)

    unit_type = ContentType.objects.get_for_model(Unit)
    merged = UnitLogEntry.objects.filter(content_type=unit_type, action="lms.unit_merge")
    assert sorted(merged.values_list("object_id", flat=True)) == sorted([str(commune.pk), str(other_commune.pk)])
    assert merged.get(object_id=str(commune.pk)).data == {"into": target.code}
    received = UnitLogEntry.objects.get(content_type=unit_type, action="lms.unit_merge_target")
    assert received.object_id == str(target.pk)
    assert received.data["from"] == [commune.code, other_commune.code]


def _into_itself(tree):
    return [tree["commune"]], tree["commune"], "cannot be merged into itself"


def _into_a_closed_unit(tree):
    services.merge_units(sources=[tree["other_commune"]], target=tree["target"])
    return [tree["commune"]], tree["other_commune"], "is closed and cannot receive a merger"


def _from_a_closed_unit(tree):
    services.merge_units(sources=[tree["other_commune"]], target=tree["target"])
    return [tree["other_commune"]], tree["commune"], "is already closed"


def _across_levels(tree):
    return [tree["area"]], tree["other_commune"], "are not at the same level"


def test_a_unit_cannot_be_added_at_its_parents_level_or_above():
    tree = make_unit_tree()

    for level in (UnitLevel.COMMUNE, UnitLevel.PROVINCE):
        with pytest.raises(ValidationError) as raised:
            make_unit(parent=tree["commune"], level=level)
        assert "level" in raised.value.message_dict
    assert tree["commune"].get_children().count() == 2


@pytest.mark.parametrize(
    "refused",
    [_into_itself, _into_a_closed_unit, _from_a_closed_unit, _across_levels],
    ids=["into-itself", "into-a-closed-unit", "from-a-closed-unit", "across-levels"],
)
def test_a_refused_merger_raises_and_changes_nothing(merger, refused):
    sources, target, reason = refused(merger)
    before = tree_snapshot()
    log_entries = UnitLogEntry.objects.count()

    with pytest.raises(ValidationError) as raised, translation.override("en"):
        services.merge_units(sources=sources, target=target)

    assert reason in raised.value.messages[0]
    assert tree_snapshot() == before
    assert UnitLogEntry.objects.count() == log_entries


# The training ledger


@pytest.fixture
def record():
    person = make_person(unit=make_unit_tree()["area"])
    [record] = ledger.record_imported(
        trainings=[
            ledger.ImportedTraining(
                person=person,
                fingerprint="1",
                reference="Bồi dưỡng nghiệp vụ công tác Mặt trận 2024",
                date=date(2024, 10, 1),
                hours=Decimal("8.0"),
            )
        ]
    )
    return record


def test_a_saved_training_record_cannot_be_saved_again(record):
    record.hours = Decimal("16.0")

    with pytest.raises(ValidationError):
        record.save()

    assert TrainingRecord.objects.get(pk=record.pk).hours == Decimal("8.0")


def test_a_training_record_cannot_be_deleted(record):
    with pytest.raises(ValidationError):
        record.delete()

    assert TrainingRecord.objects.filter(pk=record.pk).exists()


def test_training_records_cannot_be_updated_or_deleted_in_bulk(record):
    with pytest.raises(ValidationError):
        TrainingRecord.objects.filter(pk=record.pk).update(hours=Decimal("16.0"))
    with pytest.raises(ValidationError):
        TrainingRecord.objects.all().delete()

    assert TrainingRecord.objects.get(pk=record.pk).hours == Decimal("8.0")


# Recording attendance


@pytest.fixture
def session_and_people():
    tree = make_unit_tree()
    # 18:30 UTC is 01:30 the next day in Vietnam: the record carries the local date.
    session = make_session(
        organising_unit=tree["commune"],
        starts_at=datetime(2026, 3, 10, 18, 30, tzinfo=UTC),
        hours=Decimal("3.5"),
        title="Hội nghị tập huấn chuyển đổi số",
    )
    people = [make_person(unit=tree["area"]), make_person(unit=tree["commune"])]
    return session, people


def test_recording_attendance_records_each_person_once_with_one_training_record(session_and_people):
    session, people = session_and_people

    recorded = services.record_attendance(session=session, people=people, method=AttendanceMethod.TICKED)

    assert recorded == 2
    assert sorted(Attendance.objects.filter(session=session).values_list("person", "method")) == sorted(
        (person.pk, AttendanceMethod.TICKED) for person in people
    )
    records = TrainingRecord.objects.filter(session=session)
    assert sorted(records.values_list("person", "unit", flat=False)) == sorted(
        (person.pk, person.unit_id) for person in people
    )
    assert set(records.values_list("kind", "hours", "date", "reference", "source_key")) == {
        (
            TrainingKind.SESSION,
            Decimal("3.5"),
            date(2026, 3, 11),
            "Hội nghị tập huấn chuyển đổi số",
            ledger.session_key(session.pk),
        )
    }
    assert UnitLogEntry.objects.filter(action="lms.attendance", object_id=str(session.pk)).count() == 1


def test_recording_attendance_again_adds_nothing(session_and_people):
    session, people = session_and_people
    services.record_attendance(session=session, people=people, method=AttendanceMethod.TICKED)

    recorded_again = services.record_attendance(session=session, people=people, method=AttendanceMethod.IMPORTED)

    assert recorded_again == 0
    assert Attendance.objects.filter(session=session).count() == 2
    assert set(Attendance.objects.values_list("method", flat=True)) == {AttendanceMethod.TICKED}
    assert TrainingRecord.objects.filter(session=session).count() == 2


def test_recording_attendance_adds_only_the_people_not_yet_present(session_and_people):
    session, people = session_and_people
    services.record_attendance(session=session, people=people[:1], method=AttendanceMethod.TICKED)

    recorded = services.record_attendance(session=session, people=people, method=AttendanceMethod.TICKED)

    assert recorded == 1
    assert TrainingRecord.objects.filter(session=session).count() == 2


def test_a_person_listed_twice_is_recorded_and_counted_once(session_and_people):
    session, people = session_and_people

    recorded = services.record_attendance(
        session=session, people=[people[0], people[0]], method=AttendanceMethod.IMPORTED
    )

    assert Attendance.objects.filter(session=session).count() == 1
    assert TrainingRecord.objects.filter(session=session).count() == 1
    assert recorded == 1


def test_people_and_units_cannot_be_deleted_in_bulk_either():
    tree = make_unit_tree()
    make_person(unit=tree["area"])

    with pytest.raises(ValidationError):
        Person.objects.all().delete()
    with pytest.raises(ValidationError):
        Unit.objects.filter(pk=tree["other_area"].pk).delete()

    assert Person.objects.count() == 1
    assert Unit.objects.filter(pk=tree["other_area"].pk).exists()


def test_a_unit_renamed_by_the_official_list_is_found_by_its_new_name_only():
    row = {"provinceCode": "19", "province": "Tỉnh Thái Nguyên", "provinceShort": "Thái Nguyên", "wardCode": "05500"}
    services.load_official_units(rows=[{**row, "ward": "Phường Phan Đình Phùng", "wardShort": "Phan Đình Phùng"}])

    services.load_official_units(rows=[{**row, "ward": "Phường Quang Trung", "wardShort": "Quang Trung"}])

    assert [unit.code for unit in Unit.objects.matching("quang trung")] == ["05500"]
    assert not Unit.objects.matching("phan dinh phung").exists()
