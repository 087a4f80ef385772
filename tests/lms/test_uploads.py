"""Uploads: every kind has a size limit named in its refusal, a workbook that unpacks too far is refused before
it is read, images are never SVG or HTML, documents only of the listed types and always downloaded, and
uploaded lists wait for their import outside the public media folder."""

import importlib
import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from courses.models import Question
from lms.importers import PeopleImport
from lms.models import Person
from lms.spreadsheets import SheetFormatError, read_rows
from tests.factories import make_unit_tree, make_user
from tests.lms.test_importers import person_row, sheet, xlsx_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def tree():
    return make_unit_tree()


@pytest.fixture
def admin_client(client):
    client.force_login(make_user(is_superuser=True, is_staff=True))
    return client


def form_errors(response, field="file"):
    assert response.status_code == 200
    return response.context["form"].errors[field]


def people_list(tree, name="danh-sach.csv"):
    return SimpleUploadedFile(name, sheet(PeopleImport, person_row(tree["area"], phone="0912345678")).getvalue())


# Size limits


@override_settings(LMS_IMPORT_MAX_UPLOAD_SIZE=100)
def test_a_people_list_above_the_import_limit_is_refused_naming_the_limit(admin_client, tree):
    response = admin_client.post(reverse("lms_person:import"), {"file": people_list(tree)})

    (error,) = form_errors(response)
    assert error.startswith("Tệp này nặng ")
    assert error.endswith("chỉ nhận tệp tối đa 100\xa0byte.")
    assert "report" not in response.context
    assert not Person.objects.exists()


@override_settings(LMS_IMPORT_MAX_UPLOAD_SIZE=1000)
def test_a_people_list_within_the_limit_is_previewed(admin_client, tree):
    response = admin_client.post(reverse("lms_person:import"), {"file": people_list(tree)})

    assert response.status_code == 200
    assert response.context["report"].errors == []


@override_settings(LMS_IMPORT_MAX_UPLOAD_SIZE=50)
def test_a_question_file_above_the_import_limit_is_refused_naming_the_limit(admin_client):
    gift = "::Thủ đô::Thủ đô của Việt Nam là? {=Hà Nội ~Huế ~Đà Nẵng}\n".encode()

    response = admin_client.post(
        reverse("courses_question:import"),
        {"file": SimpleUploadedFile("cau-hoi.gift", gift), "file_format": "gift", "category": "Địa lý"},
    )

    (error,) = form_errors(response)
    assert "chỉ nhận tệp tối đa 50\xa0byte" in error
    assert not Question.objects.exists()


# Workbooks that unpack too far ("zip bombs")


def packed_workbook(member_size):
    """A real workbook with one more member of ``member_size`` zero bytes, which packs about a thousand times."""
    buffer = io.BytesIO(xlsx_bytes(["Họ và tên"], [["Lê An"]]).getvalue())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(member_size))
    buffer.seek(0)
    return buffer


def test_a_workbook_packed_like_a_zip_bomb_is_refused_before_it_is_read():
    with pytest.raises(SheetFormatError) as refused:
        list(read_rows(packed_workbook(20 * MB), "danh-sach.xlsx", PeopleImport.columns))

    assert str(refused.value).startswith("Tệp Excel giải nén ra 20,0\xa0MB (")
    assert "tối đa 100 lần" in str(refused.value)


@override_settings(LMS_IMPORT_MAX_UNPACKED_SIZE=1 * MB, LMS_IMPORT_MAX_PACKING_RATIO=10_000)
def test_a_workbook_unpacking_beyond_the_limit_is_refused_whatever_its_ratio():
    with pytest.raises(SheetFormatError) as refused:
        list(read_rows(packed_workbook(2 * MB), "danh-sach.xlsx", PeopleImport.columns))

    assert "tối đa 1,0\xa0MB" in str(refused.value)


def test_an_ordinary_workbook_is_read():
    rows = list(read_rows(xlsx_bytes(["Họ và tên"], [["Lê An"]]), "danh-sach.xlsx", PeopleImport.columns[:2]))

    assert rows == [(2, {"full_name": "Lê An"})]


def test_the_people_import_page_shows_the_zip_bomb_refusal(admin_client, tree):
    upload = SimpleUploadedFile("danh-sach.xlsx", packed_workbook(20 * MB).getvalue())

    response = admin_client.post(reverse("lms_person:import"), {"file": upload})

    (error,) = response.context["report"].errors
    assert str(error).startswith("Tệp Excel giải nén ra 20,0\xa0MB")


# Images


def png_bytes(size=(4, 4)):
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload_image(client, name, content):
    return client.post(
        reverse("wagtailimages:add"), {"title": "Chữ ký", "file": SimpleUploadedFile(name, content), "collection": 1}
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content"), [("chu-ky.svg", SVG), ("chu-ky.html", HTML)], ids=["svg", "html-named-html"]
)
def test_svg_and_html_are_refused_as_images(admin_client, name, content):
    response = upload_image(admin_client, name, content)

    (error,) = form_errors(response)
    assert error == "Chỉ nhận ảnh ở các định dạng: GIF, JPG, JPEG, PNG, WEBP."
    assert not Image.objects.exists()


def test_html_named_as_a_picture_is_refused(admin_client):
    response = upload_image(admin_client, "chu-ky.png", HTML)

    assert form_errors(response)
    assert not Image.objects.exists()


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=50)
def test_an_image_above_the_limit_is_refused_naming_the_limit(admin_client):
    response = upload_image(admin_client, "con-dau.png", png_bytes())

    (error,) = form_errors(response)
    assert error.endswith("chỉ nhận ảnh tối đa 50\xa0byte.")
    assert not Image.objects.exists()


@override_settings(WAGTAILIMAGES_MAX_IMAGE_PIXELS=100)
def test_an_image_with_too_many_pixels_is_refused_naming_the_limit(admin_client):
    response = upload_image(admin_client, "nen.png", png_bytes((20, 20)))

    (error,) = form_errors(response)
    assert error == "Ảnh này có 400 điểm ảnh; chỉ nhận ảnh tối đa 100 điểm ảnh."


def test_a_picture_within_the_limits_is_kept(admin_client):
    response = upload_image(admin_client, "con-dau.png", png_bytes())

    assert response.status_code == 302
    assert Image.objects.get().title == "Chữ ký"


# Documents


def upload_document(client, name, content=b"%PDF-1.4 tai lieu"):
    return client.post(
        reverse("wagtaildocs:add"), {"title": "Tài liệu", "file": SimpleUploadedFile(name, content), "collection": 1}
    )


@pytest.mark.parametrize("name", ["trang.html", "trang.htm", "hinh.svg", "ma.js", "trang.xhtml", "khong-duoi"])
def test_documents_a_browser_would_run_are_refused(admin_client, name):
    response = upload_document(admin_client, name, HTML)

    (error,) = form_errors(response)
    assert error.startswith("Không nhận tệp loại “")
    assert "pdf, docx, xlsx, pptx, odt, ods, odp, txt, zip, mp3, mp4" in error
    assert not Document.objects.exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=10)
def test_a_document_above_the_limit_is_refused_naming_the_limit(admin_client):
    response = upload_document(admin_client, "tai-lieu.pdf")

    (error,) = form_errors(response)
    assert error.endswith("chỉ nhận tệp tối đa 10\xa0byte.")
    assert not Document.objects.exists()


def test_a_document_is_always_downloaded_through_the_site_never_shown_inline(admin_client, client):
    assert upload_document(admin_client, "tai-lieu.pdf").status_code == 302
    document = Document.objects.get()

    response = client.get(document.url)

    assert document.url == reverse("wagtaildocs_serve", args=[document.pk, "tai-lieu.pdf"])
    assert not document.url.startswith(settings.MEDIA_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_the_listed_document_types_are_accepted():
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == []
    assert not {"html", "htm", "svg", "js", "xhtml", "xml"} & set(settings.WAGTAILDOCS_EXTENSIONS)


# Uploaded lists wait outside the public media folder


def test_a_previewed_list_waits_in_private_storage_and_goes_once_imported(admin_client, tree):
    page = reverse("lms_person:import")

    preview = admin_client.post(page, {"file": people_list(tree)})

    token = preview.context["token"]
    private = storages["private"]
    assert private.exists(f"imports/{token}.csv")
    assert not default_storage.exists(f"imports/{token}.csv")
    admin_client.post(page, {"token": token})
    assert not private.exists(f"imports/{token}.csv")
    assert Person.objects.count() == 1


def test_a_preview_whose_file_is_gone_asks_for_the_file_again(admin_client, tree):
    page = reverse("lms_person:import")
    token = admin_client.post(page, {"file": people_list(tree)}).context["token"]
    storages["private"].delete(f"imports/{token}.csv")

    response = admin_client.post(page, {"token": token}, follow=True)

    assert response.status_code == 200
    messages = [str(message).strip() for message in response.context["messages"]]
    assert "Bản xem trước đã hết hạn; hãy tải tệp lên lại." in messages
    assert not Person.objects.exists()


def test_the_upgrade_deletes_the_lists_left_in_the_public_media_folder():
    migration = importlib.import_module("lms.migrations.0010_open_sessions_and_private_import_previews")
    left = default_storage.save("imports/cu.csv", ContentFile(b"Ho va ten\nLe An\n"))
    kept = default_storage.save("images/anh.png", ContentFile(png_bytes()))

    migration.delete_public_previews(apps=None, schema_editor=None)

    assert not default_storage.exists(left)
    assert default_storage.exists(kept)
