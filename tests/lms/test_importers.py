import csv
import io
from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import Workbook

from lms import roles, services
from lms.importers import AttendanceImport, PeopleImport, TrainingHistoryImport, UnitImport
from lms.models import (
    Attendance,
    AttendanceMethod,
    Person,
    PersonCategory,
    PersonMove,
    TrainingKind,
    TrainingRecord,
    Unit,
    UnitLevel,
)
from lms.vietnamese import name_sort_key
from tests.factories import make_person, make_session, make_unit, make_unit_tree

pytestmark = pytest.mark.django_db


def csv_bytes(headers, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return io.BytesIO(buffer.getvalue().encode("utf-8"))


def xlsx_bytes(headers, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def sheet(importer_class, *rows, maker=csv_bytes):
    """A file with every column of the import, filled from ``rows`` (dicts keyed by field)."""
    columns = importer_class.columns
    return maker([column.header for column in columns], [[row.get(c.field, "") for c in columns] for row in rows])


def person_row(unit, **fields):
    return {"full_name": "Nguyễn Văn An", "unit_code": unit.code, "category": "Cán bộ chuyên trách", **fields}


def run_people(file, *, apply=True, filename="people.csv", **kwargs):
    return PeopleImport(**kwargs).run(file, filename, apply=apply)


def counts(report):
    return report.created, report.updated, report.unchanged


def where(report):
    return [(error.row, error.column) for error in report.errors]


@pytest.fixture
def tree():
    return make_unit_tree()


# People ----------------------------------------------------------------------------------------


def test_a_good_csv_creates_people_with_canonical_phone_sort_key_province_and_commune(tree):
    file = sheet(
        PeopleImport,
        person_row(
            tree["area"],
            external_id="TN-001",
            full_name="  Nguyễn   Văn An ",
            gender="Nam",
            birth_date="05/03/1990",
            position="Trưởng ban",
            phone="+84 912 345 678",
            email="An.Nguyen@Example.com",
        ),
        person_row(
            tree["other_commune"], external_id="TN-002", full_name="Trần Thị Bình", category="khong-chuyen-trach"
        ),
    )

    report = run_people(file)

    assert counts(report) == (2, 0, 0)
    assert report.errors == []
    assert report.applied is True
    an = Person.objects.get(external_id="TN-001")
    assert an.full_name == "Nguyễn Văn An"
    assert an.phone == "0912345678"
    assert an.email == "an.nguyen@example.com"
    assert an.gender == "male"
    assert an.birth_date == date(1990, 3, 5)
    assert an.position == "Trưởng ban"
    assert an.sort_key == name_sort_key("Nguyễn Văn An")
    assert an.search_name == "nguyen van an"
    assert an.unit == tree["area"]
    assert (an.province_id, an.commune_id) == (tree["province"].pk, tree["commune"].pk)
    assert an.category.code == "chuyen-trach"
    assert an.is_active is True
    binh = Person.objects.get(external_id="TN-002")
    assert (binh.unit, binh.commune_id) == (tree["other_commune"], tree["other_commune"].pk)
    assert binh.category.code == "khong-chuyen-trach"
    assert binh.phone == ""


def test_an_xlsx_file_imports_like_a_csv_with_number_phones_and_date_cells(tree):
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="TN-001", phone=912345678, birth_date=datetime(1990, 3, 5)),
        person_row(tree["area"], external_id="TN-002", full_name="Lê Thị Hoa", phone="0987 654 321"),
        maker=xlsx_bytes,
    )

    report = run_people(file, filename="Danh sách.XLSX")

    assert counts(report) == (2, 0, 0), report.errors
    an = Person.objects.get(external_id="TN-001")
    assert an.phone == "0912345678"
    assert an.birth_date == date(1990, 3, 5)
    assert an.commune_id == tree["commune"].pk
    assert Person.objects.get(external_id="TN-002").phone == "0987654321"


def test_an_eleven_digit_phone_typed_as_a_number_gets_its_zero_back(tree):
    file = sheet(PeopleImport, person_row(tree["area"], external_id="TN-001", phone=2083123456), maker=xlsx_bytes)

    report = run_people(file, filename="people.xlsx")

    assert report.errors == []
    assert Person.objects.get().phone == "02083123456"


def test_headers_are_matched_without_diacritics_or_case(tree):
    file = csv_bytes(
        ["MA DINH DANH", "ho va ten", "Ma Don Vi", "phan loai", "dien thoai", "full_name"],
        [["TN-001", "Phạm Thị Hồng", tree["area"].code, "chuyen-trach", "0912345678", "ignored"]],
    )

    report = run_people(file)

    assert counts(report) == (1, 0, 0), report.errors
    person = Person.objects.get()
    assert (person.external_id, person.full_name, person.phone) == ("TN-001", "Phạm Thị Hồng", "0912345678")


def test_a_preview_writes_nothing_but_reports_exact_counts(tree):
    make_person(unit=tree["area"], full_name="Lê Văn Cũ", phone="0911111111", external_id="OLD-1")
    make_person(unit=tree["area"], full_name="Lê Văn Chuyển", phone="0922222222", external_id="OLD-2")
    before = list(Person.objects.order_by("pk").values())
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="OLD-1", full_name="Lê Văn Cũ", phone="0911111111"),
        person_row(tree["other_area"], external_id="OLD-2", full_name="Lê Văn Chuyển", phone="0922222222"),
        person_row(tree["area"], external_id="NEW-1", phone="0933333333"),
    )

    report = run_people(file, apply=False)

    assert counts(report) == (1, 1, 1)
    assert report.errors == []
    assert report.applied is False
    assert list(Person.objects.order_by("pk").values()) == before


def test_importing_the_same_file_again_changes_nothing(tree):
    rows = [
        person_row(tree["area"], external_id="TN-001", phone="0912 345 678", birth_date="05/03/1990", gender="Nữ"),
        person_row(tree["other_area"], external_id="TN-002", full_name="Trần  Thị Bình", email="BINH@example.com"),
        person_row(tree["commune"], full_name="Đỗ Văn Cường", phone="+84987654321", is_active="Không"),
    ]
    assert counts(run_people(sheet(PeopleImport, *rows))) == (3, 0, 0)
    before = list(Person.objects.order_by("pk").values())

    report = run_people(sheet(PeopleImport, *rows))

    assert counts(report) == (0, 0, 3)
    assert report.errors == []
    assert list(Person.objects.order_by("pk").values()) == before


def test_a_changed_row_updates_the_person_with_the_same_external_id(tree):
    person = make_person(unit=tree["area"], full_name="Lê Văn Cũ", external_id="TN-001", phone="0911111111")
    file = sheet(
        PeopleImport,
        person_row(
            tree["other_commune"],
            external_id="TN-001",
            full_name="Lê Văn Mới",
            phone="0922 222 222",
            position="Phó ban",
            end_date="31/12/2026",
        ),
    )

    report = run_people(file)

    assert counts(report) == (0, 1, 0)
    person.refresh_from_db()
    assert person.full_name == "Lê Văn Mới"
    assert person.sort_key == name_sort_key("Lê Văn Mới")
    assert person.search_name == "le van moi"
    assert person.phone == "0922222222"
    assert person.position == "Phó ban"
    assert person.end_date == date(2026, 12, 31)
    assert (person.unit, person.commune_id) == (tree["other_commune"], tree["other_commune"].pk)
    assert Person.objects.count() == 1


def test_a_row_changing_only_the_unit_or_the_category_updates_the_person(tree):
    make_person(
        unit=tree["area"],
        external_id="TN-001",
        phone="0911111111",
        category=PersonCategory.objects.get(code="chuyen-trach"),
    )
    make_person(
        unit=tree["area"],
        external_id="TN-002",
        phone="0922222222",
        category=PersonCategory.objects.get(code="chuyen-trach"),
    )
    file = sheet(
        PeopleImport,
        person_row(tree["other_commune"], external_id="TN-001", phone="0911111111", category="chuyen-trach"),
        person_row(tree["area"], external_id="TN-002", phone="0922222222", category="khong-chuyen-trach"),
    )

    report = run_people(file)

    assert counts(report) == (0, 2, 0), report.errors
    assert Person.objects.get(external_id="TN-001").unit == tree["other_commune"]
    assert Person.objects.get(external_id="TN-002").category.code == "khong-chuyen-trach"


def test_a_row_changing_the_unit_keeps_where_the_person_was_and_a_row_changing_nothing_else_does_not(tree):
    mover = make_person(unit=tree["area"], external_id="TN-001", phone="0911111111")
    stayer = make_person(unit=tree["area"], external_id="TN-002", phone="0922222222")
    file = sheet(
        PeopleImport,
        person_row(tree["other_commune"], full_name=mover.full_name, external_id="TN-001", phone="0911111111"),
        person_row(tree["area"], full_name="Tên Mới", external_id="TN-002", phone="0922222222"),
    )

    report = run_people(file)

    assert counts(report) == (0, 2, 0), report.errors
    assert list(PersonMove.objects.values_list("person", "from_unit", "to_unit", "moved_on")) == [
        (mover.pk, tree["area"].pk, tree["other_commune"].pk, timezone.localdate())
    ]
    assert not PersonMove.objects.filter(person=stayer).exists()


def test_a_row_without_external_id_updates_the_person_with_the_same_phone(tree):
    person = make_person(unit=tree["area"], full_name="Lê Văn Cũ", external_id="", phone="0911111111")

    report = run_people(sheet(PeopleImport, person_row(tree["area"], full_name="Lê Văn Mới", phone="+84 911 111 111")))

    assert counts(report) == (0, 1, 0)
    person.refresh_from_db()
    assert person.full_name == "Lê Văn Mới"
    assert person.external_id == ""
    assert Person.objects.count() == 1


def test_several_people_without_an_external_id_are_imported_by_phone(tree):
    file = sheet(
        PeopleImport,
        person_row(tree["area"], full_name="Lê Văn An", phone="0911111111"),
        person_row(tree["area"], full_name="Lê Văn Bình", phone="0922222222"),
    )

    report = run_people(file)

    assert report.errors == []
    assert counts(report) == (2, 0, 0)


def test_several_people_without_a_phone_are_imported_by_external_id(tree):
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="TN-001", full_name="Lê Văn An"),
        person_row(tree["area"], external_id="TN-002", full_name="Lê Văn Bình"),
    )

    report = run_people(file)

    assert report.errors == []
    assert counts(report) == (2, 0, 0)


def test_a_bad_file_writes_nothing_and_reports_every_bad_row_and_column(tree):
    existing = make_person(unit=tree["area"], full_name="Hoàng Văn Có", phone="0999999999", external_id="OLD-1")
    closed = make_unit(parent=tree["commune"], code="DA-DONG")
    services.merge_units(sources=[closed], target=tree["area"])
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="A2", phone="0900000002"),  # good, but not written
        person_row(tree["area"], external_id="A3", phone="0900000003", full_name=""),
        {**person_row(tree["area"], external_id="A4", phone="0900000004"), "unit_code": "KHONG-CO"},
        person_row(tree["area"], external_id="A5", phone="090 000 0002"),  # phone of row 2
        person_row(tree["area"], external_id="A6", phone="0999 999 999"),  # phone of an existing person
        person_row(tree["area"], external_id="A7", phone="0900000007", birth_date="31/02/1990"),
        person_row(tree["area"], external_id="A8", phone="0900000008", category="Không có loại này"),
        person_row(tree["area"], external_id="", phone=""),
        person_row(tree["area"], external_id="A10", phone="0900000010", start_date="01/06/2026", end_date="01/01/2026"),
        {**person_row(tree["area"], external_id="A11", phone="0900000011"), "unit_code": "DA-DONG"},
        person_row(tree["area"], external_id="A12", phone="12345"),
    )

    report = run_people(file)

    assert where(report) == [
        (3, "Họ và tên"),
        (4, "Mã đơn vị"),
        (5, "Điện thoại"),
        (6, "Điện thoại"),
        (7, "Ngày sinh"),
        (8, "Phân loại"),
        (9, "Mã định danh"),
        (10, "Ngày kết thúc"),
        (11, "Mã đơn vị"),
        (12, "Điện thoại"),
    ]
    messages = [str(error) for error in report.errors]
    assert messages[0] == "Dòng 3, Họ và tên: Thiếu tên."
    assert "KHONG-CO" in messages[1]
    assert "0900000002" in messages[2]
    assert "Hoàng Văn Có" in messages[3]
    assert "31/02/1990" in messages[4]
    assert "Không có loại này" in messages[5]
    assert "DA-DONG" in messages[8]
    assert "12345" in messages[9]
    assert report.applied is False
    assert list(Person.objects.all()) == [existing]


def test_a_bad_row_after_many_good_ones_still_writes_nothing(tree):
    rows = [person_row(tree["area"], external_id=f"TN-{n}", phone=f"09000{n:05d}") for n in range(30)]
    rows.append(person_row(tree["area"], external_id="TN-BAD", phone="0912345678", category="?"))

    report = run_people(sheet(PeopleImport, *rows))

    assert where(report) == [(32, "Phân loại")]
    assert not Person.objects.exists()


def test_a_blank_row_is_skipped_but_keeps_the_row_numbers(tree):
    file = csv_bytes(
        ["Mã định danh", "Họ và tên", "Mã đơn vị", "Phân loại", "Điện thoại"],
        [
            ["TN-1", "Lê An", tree["area"].code, "chuyen-trach", "0911111111"],
            ["", "", "", "", ""],
            ["TN-3", "", tree["area"].code, "x", "0933333333"],
        ],
    )

    report = run_people(file)

    assert where(report) == [(4, "Họ và tên"), (4, "Phân loại")]


def test_a_missing_required_column_is_one_error_for_the_file(tree):
    file = csv_bytes(["Mã định danh", "Họ và tên", "Điện thoại"], [["TN-1", "Lê An", "0912345678"]] * 3)

    report = run_people(file)

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.column) == (0, "")
    assert str(error) == "Thiếu cột: Mã đơn vị, Phân loại."
    assert not Person.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_one_error(tree):
    report = run_people(io.BytesIO(b"not a workbook"), filename="people.xlsx")

    assert [(error.row, error.column) for error in report.errors] == [(0, "")]
    assert report.applied is False


def test_create_accounts_gives_each_new_person_a_learner_account_once(tree):
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="TN-001", full_name="Nguyễn Văn An", phone="0912 345 678"),
        person_row(tree["area"], external_id="TN-002", full_name="Trần Thị Bình"),  # no phone, no account
    )

    report = run_people(file, create_accounts=True)

    assert counts(report) == (2, 0, 0), report.errors
    person = Person.objects.get(external_id="TN-001")
    user = person.user
    assert user is not None
    assert (user.username, user.phone) == ("0912345678", "0912345678")
    assert (user.last_name, user.first_name) == ("Nguyễn", "Văn An")
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]
    assert user.has_usable_password() is False
    assert Person.objects.get(external_id="TN-002").user is None

    again = PeopleImport(create_accounts=True)
    file.seek(0)
    again.run(file, "people.csv", apply=True)

    assert again.accounts_created == 0
    assert get_user_model().objects.count() == 1
    assert Person.objects.get(external_id="TN-001").user == user


def test_without_create_accounts_no_account_is_made(tree):
    run_people(sheet(PeopleImport, person_row(tree["area"], external_id="TN-001", phone="0912345678")))

    assert not get_user_model().objects.exists()
    assert Person.objects.get().user is None


def test_an_organiser_scope_refuses_rows_outside_the_scope_units_subtree(tree):
    outsider = make_person(unit=tree["other_commune"], external_id="OUT-1", phone="0977777777")
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="IN-1", phone="0911111111"),
        person_row(tree["other_commune"], external_id="OUT-2", phone="0922222222"),
        person_row(tree["other_province"], external_id="OUT-3", phone="0933333333"),
        person_row(tree["area"], external_id="OUT-1", phone="0977777777"),  # pulls in someone else's person
    )

    report = run_people(file, scope=tree["commune"])

    assert where(report) == [(3, "Mã đơn vị"), (4, "Mã đơn vị"), (5, "Mã định danh")]
    assert list(Person.objects.all()) == [outsider]
    outsider.refresh_from_db()
    assert outsider.unit == tree["other_commune"]


def test_a_phone_taken_outside_the_organisers_units_is_refused_without_naming_its_owner(tree):
    make_person(unit=tree["other_province"], full_name="Lê Thị Bí Mật", phone="0977777777")
    make_person(unit=tree["other_area"], full_name="Trần Văn Đồng Nghiệp", phone="0988888888")
    rows = (
        person_row(tree["area"], external_id="IN-1", phone="0977777777"),
        person_row(tree["area"], external_id="IN-2", phone="0988888888"),
    )

    report = run_people(sheet(PeopleImport, *rows), apply=False, scope=tree["commune"])
    outside, inside = (str(error) for error in report.errors)

    assert "0977777777" in outside
    assert "Bí Mật" not in outside
    assert "Trần Văn Đồng Nghiệp" in inside  # a person of the organiser's own units may be named
    national = run_people(sheet(PeopleImport, *rows), apply=False).errors[0]
    assert "Lê Thị Bí Mật" in str(national)  # an import of the whole country names the owner


def test_an_organiser_scope_accepts_rows_in_its_subtree(tree):
    file = sheet(PeopleImport, person_row(tree["other_area"], external_id="IN-1", phone="0911111111"))

    report = run_people(file, scope=tree["commune"])

    assert counts(report) == (1, 0, 0)
    assert Person.objects.get().unit == tree["other_area"]


def test_the_import_people_command_applies_a_good_file(tree, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(sheet(PeopleImport, person_row(tree["area"], external_id="TN-1", phone="0912345678")).read())
    out = StringIO()

    call_command("import_people", str(path), stdout=out)

    assert out.getvalue().strip() == "Applied: 1 new, 0 updated, 0 unchanged."
    assert Person.objects.get().phone == "0912345678"


def test_the_import_people_command_dry_run_writes_nothing(tree, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(sheet(PeopleImport, person_row(tree["area"], external_id="TN-1")).read())
    out = StringIO()

    call_command("import_people", str(path), "--dry-run", stdout=out)

    assert out.getvalue().strip() == "Dry run, nothing written: 1 new, 0 updated, 0 unchanged."
    assert not Person.objects.exists()


def test_the_import_people_command_creates_accounts_when_asked(tree, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(sheet(PeopleImport, person_row(tree["area"], external_id="TN-1", phone="0912345678")).read())

    call_command("import_people", str(path), "--create-accounts", stdout=StringIO())

    assert Person.objects.get().user.username == "0912345678"


def test_the_import_people_command_fails_and_prints_every_error(tree, tmp_path):
    path = tmp_path / "people.xlsx"
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="TN-1", phone="0911111111", full_name=""),
        person_row(tree["area"], external_id="TN-2", phone="0922222222"),
        person_row(tree["area"], external_id="TN-3", phone="0933333333", category="?"),
        maker=xlsx_bytes,
    )
    path.write_bytes(file.read())
    err = StringIO()

    with pytest.raises(CommandError, match="2 errors; nothing was written"):
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "Dòng 2, Họ và tên: Thiếu tên.",
        "Dòng 4, Phân loại: Không có phân loại “?”.",
    ]
    assert not Person.objects.exists()


def test_the_import_people_command_limits_rows_to_the_unit_given(tree, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(sheet(PeopleImport, person_row(tree["other_commune"], external_id="TN-1")).read())
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_people", str(path), "--unit", tree["commune"].code, stdout=StringIO(), stderr=err)

    assert err.getvalue().startswith("Dòng 2, Mã đơn vị:")
    assert not Person.objects.exists()


def test_the_import_people_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_people", str(tmp_path / "none.csv"))


# Units -----------------------------------------------------------------------------------------


def unit_row(code, parent, **fields):
    return {"code": code, "name": f"Tổ dân phố {code}", "parent_code": parent.code, **fields}


def run_units(file, *, apply=True, **kwargs):
    return UnitImport(**kwargs).run(file, "units.csv", apply=apply)


def test_a_unit_renamed_by_an_import_is_found_by_its_new_name_only(tree):
    area = tree["area"]

    run_units(sheet(UnitImport, unit_row(area.code, tree["commune"], name="Thôn Đồng Bẩm", short_name="Đồng Bẩm")))

    assert list(Unit.objects.matching("dong bam")) == [area]
    assert not Unit.objects.matching(area.name).exists()


def test_residential_areas_are_created_under_a_commune_by_parent_code(tree):
    commune = tree["commune"]
    file = sheet(
        UnitImport,
        unit_row("KDC-1", commune, name="Tổ dân phố số 3", short_name="TDP 3", valid_from="01/07/2025"),
        unit_row("KDC-2", commune, level="Thôn"),
    )

    report = run_units(file)

    assert counts(report) == (2, 0, 0), report.errors
    first, second = Unit.objects.get(code="KDC-1"), Unit.objects.get(code="KDC-2")
    for unit in (first, second):
        assert unit.get_parent() == commune
        assert unit.path.startswith(commune.path)
        assert unit.depth == commune.depth + 1
        assert unit.level == UnitLevel.RESIDENTIAL_AREA
        assert (unit.province_id, unit.commune_id) == (tree["province"].pk, commune.pk)
    assert (first.name, first.short_name, first.valid_from) == ("Tổ dân phố số 3", "TDP 3", date(2025, 7, 1))
    commune.refresh_from_db()
    assert commune.numchild == 4
    assert [unit.code for unit in commune.get_children()] == [
        tree["area"].code,
        tree["other_area"].code,
        "KDC-1",
        "KDC-2",
    ]


def test_importing_the_same_units_again_changes_nothing(tree):
    rows = [unit_row("KDC-1", tree["commune"]), unit_row("KDC-2", tree["other_commune"], valid_from="01/07/2025")]
    run_units(sheet(UnitImport, *rows))
    before = list(Unit.objects.order_by("pk").values())

    report = run_units(sheet(UnitImport, *rows))

    assert counts(report) == (0, 0, 2)
    assert list(Unit.objects.order_by("pk").values()) == before


def test_a_unit_whose_parent_is_earlier_in_the_same_file_is_created_under_it(tree):
    file = sheet(
        UnitImport,
        unit_row("XA-MOI", tree["province"], name="Xã Mới", level="Xã"),
        {"code": "KDC-MOI", "name": "Thôn Mới", "parent_code": "XA-MOI"},
    )

    report = run_units(file)

    assert counts(report) == (2, 0, 0), report.errors
    commune, area = Unit.objects.get(code="XA-MOI"), Unit.objects.get(code="KDC-MOI")
    assert commune.get_parent() == tree["province"]
    assert (commune.level, commune.province_id, commune.commune_id) == (
        UnitLevel.COMMUNE,
        tree["province"].pk,
        commune.pk,
    )
    assert area.get_parent() == commune
    assert (area.level, area.province_id, area.commune_id) == (
        UnitLevel.RESIDENTIAL_AREA,
        tree["province"].pk,
        commune.pk,
    )


def test_children_of_two_new_units_in_one_file_go_under_their_own_parents(tree):
    file = sheet(
        UnitImport,
        unit_row("XA-A", tree["province"], level="Xã"),
        unit_row("XA-B", tree["province"], level="Xã"),
        {"code": "KDC-A", "name": "Thôn A", "parent_code": "XA-A"},
        {"code": "KDC-B", "name": "Thôn B", "parent_code": "XA-B"},
    )

    report = run_units(file)

    assert counts(report) == (4, 0, 0), report.errors
    assert Unit.objects.get(code="KDC-A").get_parent().code == "XA-A"
    assert Unit.objects.get(code="KDC-B").get_parent().code == "XA-B"


def test_an_organiser_can_create_a_unit_under_one_earlier_in_the_same_file(tree):
    file = sheet(
        UnitImport,
        unit_row("XA-MOI", tree["province"], level="Xã"),
        {"code": "KDC-MOI", "name": "Thôn Mới", "parent_code": "XA-MOI"},
    )

    report = run_units(file, scope=tree["province"])

    assert report.errors == []
    assert Unit.objects.get(code="KDC-MOI").get_parent().code == "XA-MOI"


def test_bad_unit_rows_are_refused_with_their_row_numbers_and_nothing_is_written(tree):
    closed = make_unit(parent=tree["commune"], code="DA-SAP-NHAP")
    services.merge_units(sources=[closed], target=tree["area"])
    before = list(Unit.objects.order_by("pk").values())
    file = sheet(
        UnitImport,
        unit_row("KDC-1", tree["commune"]),  # good, but not written
        {"code": "KDC-2", "name": "Thôn 2", "parent_code": "KHONG-CO"},
        unit_row("KDC-1", tree["commune"]),  # twice in the file
        unit_row("DA-SAP-NHAP", tree["commune"]),  # code of a merged unit
        unit_row("KDC-4", tree["commune"], level="Xã"),  # same level as the parent
        unit_row("KDC-5", tree["area"]),  # residential area below a residential area
        {"code": "KDC-6", "name": "Thôn 6"},  # a new unit without parent
        unit_row("", tree["commune"], name=""),
    )

    report = run_units(file)

    messages = [str(error) for error in report.errors]
    assert {error.row for error in report.errors} == {3, 4, 5, 6, 7, 8, 9}
    assert "Dòng 3, Mã đơn vị cấp trên: Không có đơn vị nào mang mã KHONG-CO." in messages
    assert "Dòng 4, Mã đơn vị: Mã KDC-1 xuất hiện hai lần trong tệp." in messages
    assert "Dòng 5, Mã đơn vị: Đơn vị DA-SAP-NHAP đã giải thể hoặc sáp nhập; không được dùng lại mã này." in messages
    assert "Dòng 6, Cấp: Đơn vị phải ở cấp thấp hơn đơn vị cấp trên." in messages
    assert "Dòng 7, Cấp: Đơn vị phải ở cấp thấp hơn đơn vị cấp trên." in messages
    assert "Dòng 8, Mã đơn vị cấp trên: Đơn vị mới cần mã của đơn vị cấp trên." in messages
    assert "Dòng 9, Mã đơn vị: Thiếu mã đơn vị." in messages
    assert "Dòng 9, Tên đơn vị: Thiếu tên." in messages
    assert list(Unit.objects.order_by("pk").values()) == before


def test_a_code_twice_in_the_file_is_reported_only_as_a_duplicate(tree):
    file = sheet(UnitImport, unit_row("KDC-1", tree["commune"]), unit_row("KDC-1", tree["commune"]))

    report = run_units(file)

    assert where(report) == [(3, "Mã đơn vị")]


def test_changing_the_parent_code_moves_the_unit_and_its_people(tree):
    person = make_person(unit=tree["area"])
    file = sheet(UnitImport, unit_row(tree["area"].code, tree["other_commune"], name=tree["area"].name))

    report = run_units(file)

    assert counts(report) == (0, 1, 0), report.errors
    area = Unit.objects.get(pk=tree["area"].pk)
    assert area.get_parent() == tree["other_commune"]
    assert area.path.startswith(tree["other_commune"].path)
    assert area.commune_id == tree["other_commune"].pk
    person.refresh_from_db()
    assert person.commune_id == tree["other_commune"].pk


def test_a_unit_cannot_be_moved_outside_an_organisers_scope(tree):
    file = sheet(UnitImport, unit_row(tree["area"].code, tree["other_commune"], name=tree["area"].name))

    report = run_units(file, scope=tree["commune"])

    assert where(report) == [(2, "Mã đơn vị cấp trên")]
    assert Unit.objects.get(pk=tree["area"].pk).get_parent() == tree["commune"]


# Training history ------------------------------------------------------------------------------


def history_row(person, **fields):
    return {
        "external_id": person.external_id,
        "date": "05/03/2024",
        "reference": "Tập huấn công tác Mặt trận",
        **fields,
    }


def test_training_history_creates_imported_records_at_the_persons_unit(tree):
    person = make_person(unit=tree["area"], phone="0912345678")
    other = make_person(unit=tree["other_commune"])
    file = sheet(
        TrainingHistoryImport,
        history_row(person, hours="3,5", result="Đạt"),
        history_row(person, date="10/10/2024"),  # the same training on another day is another record
        {"phone": "+84 912 345 678", "date": "01/01/2023", "reference": "Kỹ năng số"},
        history_row(other),
    )

    report = TrainingHistoryImport().run(file, "history.csv", apply=True)

    assert counts(report) == (4, 0, 0), report.errors
    records = list(TrainingRecord.objects.filter(person=person).order_by("date"))
    assert [(r.date, r.reference) for r in records] == [
        (date(2023, 1, 1), "Kỹ năng số"),
        (date(2024, 3, 5), "Tập huấn công tác Mặt trận"),
        (date(2024, 10, 10), "Tập huấn công tác Mặt trận"),
    ]
    first = records[1]
    assert (first.kind, first.hours, first.result) == (TrainingKind.IMPORTED, Decimal("3.5"), "Đạt")
    assert (first.unit, first.province_id, first.commune_id) == (tree["area"], tree["province"].pk, tree["commune"].pk)
    assert TrainingRecord.objects.get(person=other).unit == tree["other_commune"]


def test_importing_the_same_training_history_again_adds_nothing(tree):
    person = make_person(unit=tree["area"])
    rows = [history_row(person), history_row(person, date="10/10/2024", record_id="SO-42")]
    TrainingHistoryImport().run(sheet(TrainingHistoryImport, *rows), "history.csv", apply=True)

    report = TrainingHistoryImport().run(sheet(TrainingHistoryImport, *rows), "history.csv", apply=True)

    assert counts(report) == (0, 0, 2)
    assert TrainingRecord.objects.count() == 2


def test_a_line_repeated_in_the_file_is_counted_as_written_once(tree):
    person = make_person(unit=tree["area"])

    report = TrainingHistoryImport().run(
        sheet(TrainingHistoryImport, history_row(person), history_row(person)), "history.csv", apply=True
    )

    assert TrainingRecord.objects.count() == 1
    assert counts(report) == (1, 0, 1)


def test_training_history_of_an_unknown_person_is_refused(tree):
    person = make_person(unit=tree["area"])
    file = sheet(
        TrainingHistoryImport,
        history_row(person),
        {"external_id": "KHONG-CO", "date": "05/03/2024", "reference": "Tập huấn"},
        {"phone": "0900000000", "date": "05/03/2024", "reference": "Tập huấn"},
        {"date": "05/03/2024", "reference": "Tập huấn"},
        history_row(person, date=""),
        history_row(person, reference=""),
    )

    report = TrainingHistoryImport().run(file, "history.csv", apply=True)

    assert where(report) == [
        (3, "Mã định danh"),
        (4, "Mã định danh"),
        (5, "Mã định danh"),
        (6, "Ngày"),
        (7, "Nội dung"),
    ]
    assert not TrainingRecord.objects.exists()


def test_training_history_outside_an_organisers_scope_is_refused(tree):
    outsider = make_person(unit=tree["other_province"])

    report = TrainingHistoryImport(scope=tree["commune"]).run(
        sheet(TrainingHistoryImport, history_row(outsider)), "history.csv", apply=True
    )

    assert where(report) == [(2, "Mã định danh")]
    assert not TrainingRecord.objects.exists()


def test_the_import_training_history_command_applies_a_file(tree, tmp_path):
    person = make_person(unit=tree["area"])
    path = tmp_path / "history.csv"
    path.write_bytes(sheet(TrainingHistoryImport, history_row(person)).read())
    out = StringIO()

    call_command("import_training_history", str(path), stdout=out)

    assert out.getvalue().strip() == "Applied: 1 new, 0 updated, 0 unchanged."
    assert TrainingRecord.objects.get().person == person


def test_the_import_units_command_applies_a_file(tree, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(sheet(UnitImport, unit_row("KDC-1", tree["commune"]), maker=xlsx_bytes).read())

    call_command("import_units", str(path), stdout=StringIO())

    assert Unit.objects.get(code="KDC-1").get_parent() == tree["commune"]


# Attendance ------------------------------------------------------------------------------------


def test_an_attendance_import_records_attendance_and_training_records_for_the_session(tree):
    session = make_session(organising_unit=tree["commune"], starts_at=datetime.fromisoformat("2026-03-05T08:00+07:00"))
    an = make_person(unit=tree["area"], phone="0912345678")
    binh = make_person(unit=tree["other_area"])
    file = sheet(
        AttendanceImport,
        {"phone": "0912 345 678", "full_name": "whatever"},
        {"external_id": binh.external_id},
    )

    report = AttendanceImport(session=session).run(file, "attendance.csv", apply=True)

    assert counts(report) == (2, 0, 0), report.errors
    attendances = Attendance.objects.filter(session=session).order_by("person_id")
    assert [(a.person, a.method) for a in attendances] == [
        (an, AttendanceMethod.IMPORTED),
        (binh, AttendanceMethod.IMPORTED),
    ]
    records = TrainingRecord.objects.filter(session=session).order_by("person_id")
    assert [(r.person, r.kind, r.date, r.hours) for r in records] == [
        (an, TrainingKind.SESSION, date(2026, 3, 5), Decimal("4.0")),
        (binh, TrainingKind.SESSION, date(2026, 3, 5), Decimal("4.0")),
    ]

    again = AttendanceImport(session=session).run(sheet(AttendanceImport, {"phone": "0912345678"}), "a.csv", apply=True)

    assert counts(again) == (0, 0, 1)
    assert Attendance.objects.count() == 2
    assert TrainingRecord.objects.count() == 2


def test_an_attendance_import_with_an_unknown_person_records_nobody(tree):
    session = make_session(organising_unit=tree["commune"])
    person = make_person(unit=tree["area"])
    file = sheet(AttendanceImport, {"external_id": person.external_id}, {"external_id": "KHONG-CO"})

    report = AttendanceImport(session=session).run(file, "attendance.csv", apply=True)

    assert where(report) == [(3, "Mã định danh")]
    assert not Attendance.objects.exists()
    assert not TrainingRecord.objects.exists()


def test_people_categories_are_matched_by_name_or_code_without_diacritics(tree):
    category = PersonCategory.objects.get(code="uy-vien-uy-ban")
    file = sheet(
        PeopleImport,
        person_row(tree["area"], external_id="A", phone="0911111111", category="ỦY VIÊN ỦY BAN MTTQ"),
        person_row(tree["area"], external_id="B", phone="0922222222", category="uy vien uy ban mttq"),
        person_row(tree["area"], external_id="C", phone="0933333333", category="uy-vien-uy-ban"),
    )

    report = run_people(file)

    assert counts(report) == (3, 0, 0), report.errors
    assert set(Person.objects.values_list("category", flat=True)) == {category.pk}


@pytest.mark.parametrize("hours", ["NaN", "Infinity", "1e999999999", "10000"])
def test_hours_that_are_no_number_of_hours_are_refused_naming_the_row_and_column(tree, hours):
    person = make_person(unit=tree["area"])

    report = TrainingHistoryImport().run(
        sheet(TrainingHistoryImport, history_row(person, hours=hours)), "h.csv", apply=True
    )

    assert where(report) == [(2, "Số giờ")]
    assert not TrainingRecord.objects.exists()


def test_a_csv_cell_longer_than_the_csv_reader_takes_is_refused_naming_its_line(tree):
    rows = [person_row(tree["area"], external_id="TN-001"), person_row(tree["area"], position="x" * 200_000)]

    report = run_people(sheet(PeopleImport, *rows))

    assert [str(error) for error in report.errors] == ["Dòng 3 của tệp CSV có một ô dài hơn 131.072 ký tự."]
    assert not Person.objects.filter(external_id="TN-001").exists()


def test_a_cell_holding_a_nul_character_is_refused_naming_its_row_and_column(tree):
    rows = [person_row(tree["area"], external_id="TN-001"), person_row(tree["area"], position="Cán\x00 bộ")]

    report = run_people(sheet(PeopleImport, *rows))

    assert [str(error) for error in report.errors] == [
        "Dòng 3, cột “Chức vụ” có ký tự NUL, ký tự mà không văn bản nào được chứa."
    ]
    assert not Person.objects.filter(external_id="TN-001").exists()
