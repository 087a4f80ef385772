"""Unit sync (`manage.py sync_units`): an official unit list applied as additions, renames, merges and closings
through the organisation's services, all rows or none, idempotent, with a dry run that lists the changes."""

import csv
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lms.models import Person, PersonMove, TrainingRecord, Unit, UnitLevel, UnitLogEntry
from lms.spreadsheets import table_workbook
from tests.factories import make_organiser, make_person, make_trainings, make_unit, make_unit_tree, make_user

pytestmark = pytest.mark.django_db

HEADERS = ["code", "name", "level", "parent_code", "valid_from", "valid_to", "merged_into"]


@pytest.fixture
def tree():
    return make_unit_tree()


def unit_list(tmp_path, rows, suffix=".csv"):
    """A unit list file of ``rows`` (dicts by the export's column names) in the format of ``suffix``."""
    path = tmp_path / f"don-vi{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    elif suffix == ".xlsx":
        path.write_bytes(table_workbook(HEADERS, [[row.get(h, "") for h in HEADERS] for row in rows], title="Đơn vị"))
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, HEADERS)
            writer.writeheader()
            writer.writerows(rows)
    return path


def sync(path, *, dry_run=False):
    """What the command prints when it succeeds."""
    out = StringIO()
    call_command("sync_units", str(path), dry_run=dry_run, stdout=out)
    return out.getvalue()


def refusal(path):
    """What the command prints when it refuses the list."""
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("sync_units", str(path), stderr=err)
    return err.getvalue() + str(refused.value)


def tree_state():
    """Every unit and person as stored, and the audit log's length: what a sync may or may not change."""
    units = list(Unit.objects.order_by("pk").values())
    people = list(Person.objects.order_by("pk").values("pk", "unit_id", "province_id", "commune_id"))
    return units, people, PersonMove.objects.count(), UnitLogEntry.objects.count()


def mixed_list(tree, tmp_path, suffix=".csv"):
    """A list with one change of each kind: a new commune and a residential area in it (listed before it), a
    renamed area, a commune merged into its neighbour and an emptied area closed."""
    province, commune, other_commune = tree["province"], tree["commune"], tree["other_commune"]
    return unit_list(
        tmp_path,
        [
            {"code": "TDP-MOI", "name": "Tổ dân phố Mới", "level": "Tổ dân phố", "parent_code": "P-MOI"},
            {
                "code": "P-MOI",
                "name": "Phường Mới",
                "level": "Phường",
                "parent_code": province.code,
                "valid_from": "01/07/2025",
            },
            {"code": tree["area"].code, "name": "Tổ dân phố Đồng Quang", "parent_code": commune.code},
            {"code": commune.code, "name": commune.name, "valid_to": "30/06/2025", "merged_into": other_commune.code},
            {"code": tree["other_area"].code, "name": tree["other_area"].name, "valid_to": "31/01/2026"},
        ],
        suffix,
    )


def test_new_units_are_added_under_their_parents_even_when_a_parent_is_listed_after_its_children(tree, tmp_path):
    province = tree["province"]
    path = unit_list(
        tmp_path,
        [
            {"code": "TDP-MOI", "name": "Tổ dân phố Mới", "level": "Tổ dân phố", "parent_code": "P-MOI"},
            {"code": "P-MOI", "name": "Phường Mới", "level": "commune", "parent_code": province.code},
        ],
    )

    sync(path)

    commune, area = Unit.objects.get(code="P-MOI"), Unit.objects.get(code="TDP-MOI")
    assert commune.get_parent() == province
    assert (commune.level, commune.commune_id, commune.province_id) == (UnitLevel.COMMUNE, commune.pk, province.pk)
    assert area.get_parent() == commune
    assert (area.level, area.commune_id) == (UnitLevel.RESIDENTIAL_AREA, commune.pk)


def test_a_unit_is_renamed_by_its_code_and_the_old_name_is_kept_in_its_history(tree, tmp_path):
    area = tree["area"]
    sync(unit_list(tmp_path, [{"code": area.code, "name": "Tổ dân phố Đồng Quang"}]))

    assert list(Unit.objects.matching("dong quang")) == [Unit.objects.get(pk=area.pk)]
    entry = UnitLogEntry.objects.get(action="lms.unit_rename", object_id=str(area.pk))
    assert entry.data == {"from": area.name, "to": "Tổ dân phố Đồng Quang"}


def test_an_emptied_unit_is_closed_on_its_end_date(tree, tmp_path):
    area = tree["other_area"]
    sync(unit_list(tmp_path, [{"code": area.code, "name": area.name, "valid_to": "31/01/2026"}]))

    area.refresh_from_db()
    assert (area.is_active, area.valid_to, area.merged_into) == (False, date(2026, 1, 31), None)


def test_an_end_date_still_to_come_closes_nothing_yet(tree, tmp_path):
    area = tree["other_area"]
    output = sync(unit_list(tmp_path, [{"code": area.code, "name": area.name, "valid_to": "31/12/2099"}]))

    area.refresh_from_db()
    assert area.is_active
    assert "không có gì cần thay đổi" in output


def test_a_merge_moves_the_people_and_units_and_keeps_their_history(tree, tmp_path):
    commune, other_commune = tree["commune"], tree["other_commune"]
    person = make_person(unit=tree["area"])
    cadre = make_person(unit=commune)
    [record] = make_trainings(cadre, day=date(2025, 3, 1))
    path = unit_list(
        tmp_path,
        [{"code": commune.code, "name": commune.name, "valid_to": "30/06/2025", "merged_into": other_commune.code}],
    )

    sync(path)

    commune.refresh_from_db()
    assert (commune.is_active, commune.valid_to, commune.merged_into) == (False, date(2025, 6, 30), other_commune)
    cadre.refresh_from_db()
    assert (cadre.unit, cadre.commune) == (other_commune, other_commune)
    assert PersonMove.objects.filter(person=cadre, from_unit=commune, to_unit=other_commune).exists()
    assert Unit.objects.get(pk=tree["area"].pk).get_parent() == other_commune
    assert Person.objects.get(pk=person.pk).commune == other_commune
    assert TrainingRecord.objects.get(pk=record.pk).unit == commune  # made in the old commune, and stays so


def test_applying_the_same_list_twice_changes_nothing_the_second_time(tree, tmp_path):
    make_person(unit=tree["commune"])
    path = mixed_list(tree, tmp_path)
    first = sync(path)
    after_first = tree_state()

    second = sync(path)

    assert "Áp dụng: 5 thay đổi" in first
    assert "không có gì cần thay đổi" in second
    assert tree_state() == after_first


def test_a_dry_run_lists_the_changes_in_vietnamese_and_writes_nothing(tree, tmp_path):
    before = tree_state()
    output = sync(mixed_list(tree, tmp_path), dry_run=True)

    assert tree_state() == before
    assert f"Thêm Phường Mới (P-MOI) vào {tree['province'].name} ({tree['province'].code})" in output
    assert f"Đổi tên {tree['area'].code} từ “{tree['area'].name}” thành “Tổ dân phố Đồng Quang”" in output
    assert f"Sáp nhập {tree['commune'].name} ({tree['commune'].code}) vào {tree['other_commune'].name}" in output
    assert f"Giải thể {tree['other_area'].name} ({tree['other_area'].code}) từ ngày 31/01/2026" in output
    assert "Chạy thử, chưa ghi gì: sẽ có 5 thay đổi." in output


@pytest.mark.parametrize("suffix", [".xlsx", ".json"])
def test_xlsx_and_json_lists_are_applied_as_csv_ones(tree, tmp_path, suffix):
    sync(mixed_list(tree, tmp_path, suffix))

    assert Unit.objects.get(code="TDP-MOI").get_parent().code == "P-MOI"
    assert not Unit.objects.get(pk=tree["commune"].pk).is_active


def test_bad_rows_are_refused_naming_their_row_and_field_and_nothing_is_written(tree, tmp_path):
    before = tree_state()
    path = unit_list(
        tmp_path,
        [
            {"code": "P-MOI", "name": "Phường Mới", "level": "Phường", "parent_code": tree["province"].code},
            {"code": "TDP-2", "name": "Tổ 2", "parent_code": "P-MOI", "valid_from": "31/02/2025"},
            {"code": "TDP-3", "name": "Tổ 3", "parent_code": "KHONG-CO"},
            {"code": tree["area"].code, "name": tree["area"].name, "merged_into": tree["other_province"].code},
        ],
    )

    output = refusal(path)

    assert "Dòng 3, Hiệu lực từ: “31/02/2025” không phải ngày" in output
    assert "Dòng 4, Mã đơn vị cấp trên: Không có đơn vị nào mang mã KHONG-CO." in output
    assert f"Dòng 5, Sáp nhập vào: {tree['area'].code} và {tree['other_province'].code} không cùng cấp." in output
    assert tree_state() == before


def test_closing_a_unit_that_still_has_people_is_refused_naming_the_row(tree, tmp_path):
    area = tree["other_area"]
    make_person(unit=area)
    before = tree_state()
    path = unit_list(
        tmp_path,
        [
            {"code": "P-MOI", "name": "Phường Mới", "level": "Phường", "parent_code": tree["province"].code},
            {"code": area.code, "name": area.name, "valid_to": "31/01/2026"},
        ],
    )

    assert "Dòng 3, Hiệu lực đến:" in refusal(path)
    assert tree_state() == before


def test_closing_a_unit_with_open_units_below_it_or_before_it_began_is_refused(tree, tmp_path):
    recent = make_unit(parent=tree["other_commune"], valid_from=date(2025, 7, 1))
    before = tree_state()
    path = unit_list(
        tmp_path,
        [
            {"code": tree["commune"].code, "name": tree["commune"].name, "valid_to": "31/01/2026"},
            {"code": recent.code, "name": recent.name, "valid_to": "30/06/2025"},
        ],
    )

    output = refusal(path)

    assert f"Dòng 2, Hiệu lực đến: {tree['commune'].name} vẫn còn đơn vị cấp dưới đang hoạt động" in output
    assert "Dòng 3, Hiệu lực đến: Ngày kết thúc trước ngày bắt đầu." in output
    assert tree_state() == before


def test_a_unit_closed_on_the_site_is_not_reopened_nor_moved_by_a_list(tree, tmp_path):
    closed = make_unit(parent=tree["commune"], is_active=False, valid_to=date(2025, 6, 30))
    path = unit_list(
        tmp_path,
        [
            {"code": closed.code, "name": closed.name},
            {"code": tree["area"].code, "name": tree["area"].name, "parent_code": tree["other_commune"].code},
        ],
    )

    output = refusal(path)

    assert f"Dòng 2, Hiệu lực đến: Đơn vị {closed.code} đã đóng trên trang này" in output
    assert "Dòng 3, Mã đơn vị cấp trên:" in output


def test_closed_units_the_site_never_had_are_left_out(tree, tmp_path):
    path = unit_list(
        tmp_path,
        [{"code": "HUYEN-CU", "name": "Huyện Cũ", "level": "Huyện", "parent_code": "X", "valid_to": "30/06/2025"}],
    )

    output = sync(path)

    assert not Unit.objects.filter(code="HUYEN-CU").exists()
    assert "1 đơn vị đã đóng chưa từng có trên trang này được bỏ qua." in output


def test_a_superuser_checks_a_list_in_the_admin_sees_its_changes_then_applies_them(client, tree, tmp_path):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    sync_url = reverse("lms_unit:sync")
    assert sync_url in client.get(reverse("lms_unit:index")).text
    before = tree_state()

    with mixed_list(tree, tmp_path, ".json").open("rb") as upload:
        preview = client.post(sync_url, {"file": upload})

    assert "Sẵn sàng áp dụng 5 thay đổi" in preview.text
    assert f"Sáp nhập {tree['commune'].name} ({tree['commune'].code})" in preview.text
    assert tree_state() == before
    applied = client.post(sync_url, {"token": preview.context["token"]})
    assert applied.status_code == 302
    assert not Unit.objects.get(pk=tree["commune"].pk).is_active
    assert Unit.objects.filter(code="TDP-MOI").exists()


def test_an_organiser_may_not_synchronise_the_tree(client, tree, tmp_path):
    client.force_login(make_organiser(managed_unit=tree["province"]))
    sync_url = reverse("lms_unit:sync")
    assert sync_url not in client.get(reverse("lms_unit:index")).text
    before = tree_state()

    with mixed_list(tree, tmp_path).open("rb") as upload:
        response = client.post(sync_url, {"file": upload})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert tree_state() == before
