"""The official-document PDF machinery that certificates and coverage reports share."""

import datetime
import io

from pypdf import PdfReader

from lms import documents


def test_the_date_line_writes_day_and_month_below_ten_with_a_leading_zero():
    assert documents.date_line("Thái Nguyên", datetime.date(2026, 3, 5)) == "Thái Nguyên, ngày 05 tháng 03 năm 2026"
    assert documents.date_line("Hà Nội", datetime.date(2026, 11, 20)) == "Hà Nội, ngày 20 tháng 11 năm 2026"


def test_the_font_faces_name_both_families_and_point_at_font_files_that_exist():
    css = documents.font_face()

    assert css.count("font-family: 'Document Serif'") == 3  # regular, bold, italic
    assert css.count("font-family: 'Document Sans'") == 2
    for path in documents.serif_files().values():
        assert path.is_file()
        assert path.as_uri() in css


def test_a_document_renders_vietnamese_in_both_families_embedded():
    html = (
        f"<style>{documents.font_face()} body {{ font-family: 'Document Serif'; }}</style>"
        "<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p style=\"font-family: 'Document Sans'\">Độc lập</p>"
    )

    reader = PdfReader(io.BytesIO(documents.pdf_from_html(html)))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in reader.pages[0].extract_text()
    fonts = {font.get_object()["/BaseFont"].lstrip("/") for font in reader.pages[0]["/Resources"]["/Font"].values()}
    # "ABCDEF+Name" is how PDF names a subset of a font embedded in the file
    assert {name.split("+")[1] for name in fonts} == {"Document-Serif", "Document-Sans"}
    assert all(len(name.split("+")[0]) == 6 for name in fonts)


def test_one_font_configuration_serves_every_render():
    assert documents.font_configuration() is documents.font_configuration()
