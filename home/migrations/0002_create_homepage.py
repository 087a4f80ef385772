"""Replace Wagtail's placeholder welcome page with the site's HomePage."""

from django.db import migrations

HOME_INTRO = (
    "Nền tảng học tập trực tuyến giúp cán bộ Mặt trận Tổ quốc Việt Nam và các tổ chức "
    "chính trị - xã hội học và thực hành kỹ năng số: khóa học ngắn, bài kiểm tra, "
    "giấy chứng nhận, học được trên điện thoại."
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("home", "HomePage")

    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(depth=2, content_type=page_type, slug="home").delete()
    root = Page.objects.get(depth=1)
    home_type, _created = ContentType.objects.get_or_create(app_label="home", model="homepage")
    home = HomePage.objects.create(
        title="Kỹ năng số cho cán bộ Mặt trận",
        draft_title="Kỹ năng số cho cán bộ Mặt trận",
        slug="trang-chu",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/trang-chu/",
        locale_id=root.locale_id,
        intro=HOME_INTRO,
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Kỹ năng số MTTQ"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
