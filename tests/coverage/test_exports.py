"""A coverage report as a file: the dashboard's XLSX, CSV and official PDF, the people missing as XLSX and
CSV, and the ``coverage_report`` command. The world is the one of test_admin.py; the reports are of
30/06/2026, when 545 of the term's 2,190 days had passed, so that a share of 24.9% is on track."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lms.models import PersonCategory
from tests.coverage.test_admin import (
    COMMUNE_MISSING,
    DENIED,
    HEAD_OF_AREA,
    assert_refused,
    grow,
    make_world,
    queries_of,
    report_url,
)
from tests.exports import FORMULA_NAME, NEUTRALISED, downloaded, exported_formula_cell, exported_rows
from tests.factories import make_organiser, make_person, make_trainer, make_unit

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"
ON_TRACK, BEHIND = "Đúng tiến độ", "Chậm tiến độ"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def commune_organiser(client, world):
    client.force_login(make_organiser(managed_unit=world.units["commune"]))
    return client


def commune_table(world):
    """The commune's report as the XLSX gives it: unit, code, people counted, meeting the target, trainings,
    share, threshold, still needed, status; a line per row and the total."""
    code = {key: unit.code for key, unit in world.units.items()}
    return [
        ["Phường Phan Đình Phùng (cán bộ trực thuộc)", code["commune"], 2, 1, 5, 50.0, 100, 1, ON_TRACK],
        ["Tổ dân phố 1", code["area"], 2, 1, 4, 50.0, 100, 1, ON_TRACK],
        ["Tổ dân phố 2", code["other_area"], 1, 0, 1, 0.0, 100, 1, BEHIND],
        ["Tổng cộng", code["commune"], 5, 2, 10, 40.0, 100, 3, ON_TRACK],
    ]


def workbook_rows(content):
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    return [["" if value is None else value for value in row] for row in rows]


def csv_rows(content):
    assert content.startswith("\ufeff".encode())  # the byte-order mark Excel needs to read Vietnamese
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def as_text(table):
    """``table`` as the CSV writes it: decimals as the screen does (“50,0”)."""
    return [
        [str(value).replace(".", ",") if isinstance(value, float) else str(value) for value in row] for row in table
    ]


def pdf_text(content):
    """The text of every page, with runs of white space (line breaks in table cells) made one space."""
    assert content.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def download(client, page, file_format):
    response = client.get(f"{page}&export={file_format}")
    assert response.status_code == 200
    return response


# The dashboard's files ---------------------------------------------------------------------------------


def test_the_xlsx_holds_a_line_per_unit_below_and_the_total(commune_organiser, world):
    response = download(commune_organiser, report_url(world, as_of=AS_OF), "xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    code = world.units["commune"].code
    assert response["Content-Disposition"] == f'attachment; filename="chi-tieu-3-lan-{code}-20260630.xlsx"'
    header, *lines = workbook_rows(response.content)
    assert len(header) == 9
    assert header[:2] == ["Đơn vị", "Mã"]
    assert lines == commune_table(world)


def test_the_csv_holds_the_same_lines_as_the_xlsx(commune_organiser, world):
    response = download(commune_organiser, report_url(world, as_of=AS_OF), "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-20260630.csv"')
    header, *lines = csv_rows(response.content)
    assert header == workbook_rows(download(commune_organiser, report_url(world, as_of=AS_OF), "xlsx").content)[0]
    assert lines == as_text(commune_table(world))
    assert lines[0][5] == "50,0"


def test_the_table_lists_the_units_below_without_anyone_counted_and_the_pdf_does_not(client, world):
    make_unit(parent=world.units["province"], name="Phường Chưa Nhập")
    client.force_login(make_organiser(managed_unit=world.units["province"]))
    page = report_url(world, as_of=AS_OF)

    lines = workbook_rows(download(client, page, "xlsx").content)[1:]

    assert [line[0] for line in lines] == [
        "Tỉnh Thái Nguyên (cán bộ trực thuộc)",
        "Phường Phan Đình Phùng",
        "Phường Gia Sàng",
        "Phường Chưa Nhập",
        "Tổng cộng",
    ]
    assert lines[3][2:] == [0, 0, 0, "", 100, 0, ""]
    assert lines[4][2:5] == [7, 4, 16]
    text = pdf_text(download(client, page, "pdf").content)
    assert "Phường Gia Sàng" in text
    assert "Phường Chưa Nhập" not in text


def test_the_pdf_is_an_official_report_of_the_unit_with_its_numbers(client, world):
    organiser = make_organiser(managed_unit=world.units["commune"], last_name="Hoàng", first_name="Thị Ký")
    client.force_login(organiser)
    response = download(client, report_url(world, as_of=AS_OF), "pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-20260630.pdf"')
    text = pdf_text(response.content)
    today = timezone.localdate()
    for part in [
        "ỦY BAN MTTQ VIỆT NAM PHƯỜNG PHAN ĐÌNH PHÙNG",  # the unit's Front committee issues it
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Tỉnh Thái Nguyên, ngày {today:%d} tháng {today:%m} năm {today:%Y}",
        "BÁO CÁO",
        "Kết quả thực hiện chỉ tiêu “Ít nhất 3 lần trong nhiệm kỳ”",
        "(số liệu tính đến ngày 30/06/2026)",
        "Tại Phường Phan Đình Phùng, có 5 người thuộc diện của chỉ tiêu; 2 người đã đạt (40,0%",
        "1 Phường Phan Đình Phùng (cán bộ trực thuộc) 2 1 5 50,0 100 1 Đúng tiến độ",
        "2 Tổ dân phố 1 2 1 4 50,0 100 1 Đúng tiến độ",
        "3 Tổ dân phố 2 1 0 1 0,0 100 1 Chậm tiến độ",
        "Tổng cộng 5 2 10 40,0 100 3 Đúng tiến độ",
        "TM. BAN THƯỜNG TRỰC",
        f"{organiser.get_full_name()}",  # who exports it signs it
    ]:
        assert part in text


def test_the_pdf_asks_for_more_people_only_while_the_threshold_is_not_reached(client, world):
    behind = pdf_text(download_pdf_of(client, world, "commune"))
    met = pdf_text(download_pdf_of(client, world, "area", threshold=50))

    assert "Cần tập huấn thêm 3 người để đạt chỉ tiêu." in behind
    assert "1 người đã đạt (50,0%" in met
    assert "Cần tập huấn thêm" not in met


def download_pdf_of(client, world, unit, threshold=None):
    if threshold is not None:
        world.target.threshold = threshold
        world.target.save()
    client.force_login(make_organiser(managed_unit=world.units[unit]))
    return download(client, report_url(world, unit=unit, as_of=AS_OF), "pdf").content


def test_the_pdf_of_a_residential_area_is_issued_by_its_ban_cong_tac_mat_tran_under_the_communes_committee(
    client, world
):
    text = pdf_text(download_pdf_of(client, world, "area"))

    assert "ỦY BAN MTTQ VIỆT NAM PHƯỜNG PHAN ĐÌNH PHÙNG BAN CÔNG TÁC MẶT TRẬN TỔ DÂN PHỐ 1" in text


def test_the_pdf_is_in_vietnamese_throughout(commune_organiser, world):
    text = pdf_text(download(commune_organiser, report_url(world, as_of=AS_OF), "pdf").content)

    assert "black line" not in text  # the legend of the bars


def test_the_files_of_a_category_count_only_its_people(commune_organiser, world):
    head = PersonCategory.objects.get(code=HEAD_OF_AREA)

    lines = workbook_rows(download(commune_organiser, report_url(world, as_of=AS_OF, category=head.pk), "xlsx").content)

    assert [line[:5] for line in lines[1:]] == [
        ["Tổ dân phố 1", world.units["area"].code, 1, 1, 4],
        ["Tổ dân phố 2", world.units["other_area"].code, 1, 0, 1],
        ["Tổng cộng", world.units["commune"].code, 2, 1, 5],
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "pdf"])
def test_the_files_of_a_unit_outside_the_organisers_subtree_are_refused(commune_organiser, world, file_format):
    download(commune_organiser, report_url(world, unit="area"), file_format)

    for unit in ("other_commune", "province", "other_province"):
        assert_refused(commune_organiser.get(report_url(world, unit=unit, export=file_format)))
    commune_organiser.force_login(make_trainer(managed_unit=world.units["commune"]))
    assert_refused(commune_organiser.get(report_url(world, export=file_format)), DENIED)


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "pdf"])
def test_the_files_take_the_same_number_of_queries_whatever_the_number_of_units_and_people(client, world, file_format):
    client.force_login(make_organiser(managed_unit=world.units["province"]))
    page = report_url(world, export=file_format)
    few = queries_of(client, page)

    grow(world.units["province"], units=6)
    grow(world.units["commune"], units=6)

    assert queries_of(client, page) == few


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_unit_name_spreadsheets_would_run_as_a_formula_is_written_as_text(commune_organiser, world, file_format):
    make_person(unit=make_unit(parent=world.units["commune"], name=FORMULA_NAME))

    response = download(commune_organiser, report_url(world), file_format)

    assert exported_formula_cell(response, file_format, "HYPERLINK") == NEUTRALISED[file_format]


# The people missing ---------------------------------------------------------------------------------------


def missing_lines(world):
    """Name, unit, category, position, phone, trainings and what they lack of each person missing."""
    people = {person.full_name: person for person in world.people.values()}
    trainings = {"Nguyễn Thị Hoa": 2, "Lê Văn Cường": 0, "Phạm Thị Lan": 1}
    return [
        [name, unit, people[name].category.name, "", people[name].phone, trainings[name], "; ".join(lacks)]
        for name, unit, lacks in COMMUNE_MISSING
    ]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_people_missing_are_exported_one_line_each_with_what_they_lack(commune_organiser, world, file_format):
    response = download(commune_organiser, report_url(world, "coverage_report:missing"), file_format)

    code = world.units["commune"].code
    assert response["Content-Disposition"] == f'attachment; filename="chua-dat-3-lan-{code}.{file_format}"'
    header, *lines = (workbook_rows if file_format == "xlsx" else csv_rows)(downloaded(response))
    assert header[0] == "Họ và tên"
    expected = missing_lines(world)
    assert lines == (expected if file_format == "xlsx" else as_text(expected))


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_people_missing_are_exported_whole_not_a_page(commune_organiser, world, file_format):
    for _number in range(60):
        make_person(unit=world.units["area"])

    response = download(commune_organiser, report_url(world, "coverage_report:missing"), file_format)

    lines = (workbook_rows if file_format == "xlsx" else csv_rows)(downloaded(response))[1:]
    assert len(lines) == 63


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_people_missing_of_another_unit_are_not_exported(commune_organiser, world, file_format):
    download(commune_organiser, report_url(world, "coverage_report:missing", unit="area"), file_format)

    response = commune_organiser.get(report_url(world, "coverage_report:missing", unit="other_province"))

    assert_refused(response)
    assert "Hoàng Văn Nam".encode() not in response.content


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_organiser_of_another_commune_exports_only_the_people_missing_of_their_commune(client, world, file_format):
    make_person(unit=world.units["outside_area"], full_name="Vũ Thị Xa")
    client.force_login(make_organiser(managed_unit=world.units["other_commune"]))

    rows = exported_rows(download(client, report_url(world, "coverage_report:missing"), file_format), file_format)

    assert [row[:2] for row in rows[1:]] == [["Vũ Thị Xa", "Xóm Gia Sàng"]]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_trainer_is_refused_the_people_missing_export(client, world, file_format):
    client.force_login(make_trainer(managed_unit=world.units["commune"]))

    assert_refused(client.get(report_url(world, "coverage_report:missing", export=file_format)), DENIED)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_name_spreadsheets_would_run_as_a_formula_is_exported_as_text(commune_organiser, world, file_format):
    make_person(unit=world.units["area"], full_name=FORMULA_NAME)

    response = download(commune_organiser, report_url(world, "coverage_report:missing"), file_format)

    assert exported_formula_cell(response, file_format, "HYPERLINK") == NEUTRALISED[file_format]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_people_missing_export_takes_the_same_number_of_queries_whatever_their_number(
    commune_organiser, world, file_format
):
    page = report_url(world, "coverage_report:missing", export=file_format)
    few = queries_of(commune_organiser, page)

    grow(world.units["commune"], units=30)

    assert queries_of(commune_organiser, page) == few


# The command ---------------------------------------------------------------------------------------------


def write_report(tmp_path, file_format, *options):
    """Run ``coverage_report`` of the world's target to a file; (its content, what the command said)."""
    output = tmp_path / f"bao-cao.{file_format}"
    said = io.StringIO()
    call_command(
        "coverage_report", "--target", "3-lan", "--format", file_format, "--output", str(output), *options, stdout=said
    )
    return output.read_bytes(), said.getvalue()


def test_the_command_writes_the_xlsx_of_a_unit(tmp_path, world):
    content, said = write_report(tmp_path, "xlsx", "--unit", world.units["commune"].code, "--as-of", AS_OF)

    assert workbook_rows(content)[1:] == commune_table(world)
    assert said.startswith("Phường Phan Đình Phùng: 2")
    assert "40.0" in said
    assert str(tmp_path / "bao-cao.xlsx") in said


def test_the_command_writes_the_csv_of_a_unit(tmp_path, world):
    content, _said = write_report(tmp_path, "csv", "--unit", world.units["commune"].code, "--as-of", AS_OF)

    assert csv_rows(content)[1:] == as_text(commune_table(world))


def test_the_command_writes_the_pdf_of_a_unit(tmp_path, world):
    content, _said = write_report(tmp_path, "pdf", "--unit", world.units["commune"].code, "--as-of", AS_OF)

    text = pdf_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHƯỜNG PHAN ĐÌNH PHÙNG" in text
    assert "Ít nhất 3 lần trong nhiệm kỳ" in text
    assert "Tổng cộng 5 2 10 40,0 100 3 Đúng tiến độ" in text


def test_the_command_prints_the_signers_name_it_is_given(tmp_path, world):
    content, _said = write_report(tmp_path, "pdf", "--as-of", AS_OF, "--signer", "Nguyễn Văn Chủ Tịch")

    assert "TM. BAN THƯỜNG TRỰC Nguyễn Văn Chủ Tịch" in pdf_text(content)


def test_the_command_writes_the_whole_country_by_default_and_a_category_when_asked(tmp_path, world):
    content, _said = write_report(tmp_path, "csv")
    heads, _said = write_report(tmp_path, "csv", "--category", HEAD_OF_AREA)

    country = csv_rows(content)[1:]
    assert [line[:5] for line in country] == [
        ["Tỉnh Thái Nguyên", world.units["province"].code, "7", "4", "16"],
        ["Tỉnh Bắc Ninh", world.units["other_province"].code, "1", "0", "0"],
        ["Tổng cộng", world.units["central"].code, "8", "4", "16"],
    ]
    assert csv_rows(heads)[-1][:5] == ["Tổng cộng", world.units["central"].code, "2", "1", "5"]


@pytest.mark.parametrize(
    ("options", "unknown"),
    [
        (["--target", "khong-co"], "khong-co"),
        (["--target", "3-lan", "--unit", "XYZ99"], "XYZ99"),
        (["--target", "3-lan", "--category", "khong-co-nhom"], "khong-co-nhom"),
    ],
)
def test_the_command_names_the_target_unit_or_category_it_does_not_know(tmp_path, world, options, unknown):
    output = tmp_path / "bao-cao.csv"

    with pytest.raises(CommandError, match=unknown):
        call_command("coverage_report", *options, "--format", "csv", "--output", str(output), stdout=io.StringIO())

    assert not output.exists()
