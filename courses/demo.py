"""Demo course content."""

from django.db import transaction

from courses.models import CourseIndexPage

CATALOGUE_TITLE = "Khóa học"
CATALOGUE_INTRO = (
    "Các khóa học kỹ năng số dành cho cán bộ Mặt trận Tổ quốc các cấp và Trưởng Ban công tác "
    "Mặt trận ở khu dân cư. Mỗi khóa gồm các bài học ngắn, học được trên điện thoại."
)


@transaction.atomic
def seed_demo_catalogue(home_page):
    """Publish the course catalogue under ``home_page`` unless one exists; return it."""
    catalogue = CourseIndexPage.objects.child_of(home_page).first()
    if catalogue is None:
        catalogue = CourseIndexPage(title=CATALOGUE_TITLE, slug="khoa-hoc", intro=CATALOGUE_INTRO)
        home_page.add_child(instance=catalogue)
        catalogue.save_revision().publish()
    return catalogue
