"""The digital-competence framework of Thông tư 02/2025/TT-BGDĐT: 6 domains, 24 competences."""

from django.db import migrations

FRAMEWORK = [
    (
        1,
        "Khai thác dữ liệu và thông tin",
        [
            ("1.1", "Duyệt, tìm kiếm và lọc dữ liệu, thông tin và nội dung số"),
            ("1.2", "Đánh giá dữ liệu, thông tin và nội dung số"),
            ("1.3", "Quản lý dữ liệu, thông tin và nội dung số"),
        ],
    ),
    (
        2,
        "Giao tiếp và hợp tác trong môi trường số",
        [
            ("2.1", "Tương tác thông qua công nghệ số"),
            ("2.2", "Chia sẻ thông qua công nghệ số"),
            ("2.3", "Sử dụng công nghệ số để thực hiện trách nhiệm công dân"),
            ("2.4", "Hợp tác thông qua công nghệ số"),
            ("2.5", "Quy tắc ứng xử trên mạng"),
            ("2.6", "Quản lý danh tính số"),
        ],
    ),
    (
        3,
        "Sáng tạo nội dung số",
        [
            ("3.1", "Phát triển nội dung số"),
            ("3.2", "Tích hợp và tạo lập lại nội dung số"),
            ("3.3", "Thực thi bản quyền và giấy phép"),
            ("3.4", "Lập trình"),
        ],
    ),
    (
        4,
        "An toàn",
        [
            ("4.1", "Bảo vệ thiết bị"),
            ("4.2", "Bảo vệ dữ liệu cá nhân và quyền riêng tư"),
            ("4.3", "Bảo vệ sức khỏe và an sinh số"),
            ("4.4", "Bảo vệ môi trường"),
        ],
    ),
    (
        5,
        "Giải quyết vấn đề",
        [
            ("5.1", "Giải quyết các vấn đề kỹ thuật"),
            ("5.2", "Xác định nhu cầu và giải pháp công nghệ"),
            ("5.3", "Sử dụng sáng tạo công nghệ số"),
            ("5.4", "Xác định các vấn đề cần cải thiện về năng lực số"),
        ],
    ),
    (
        6,
        "Ứng dụng trí tuệ nhân tạo",
        [
            ("6.1", "Hiểu biết về trí tuệ nhân tạo"),
            ("6.2", "Sử dụng trí tuệ nhân tạo"),
            ("6.3", "Đánh giá trí tuệ nhân tạo"),
        ],
    ),
]


def add_framework(apps, schema_editor):
    CompetenceDomain = apps.get_model("courses", "CompetenceDomain")
    Competence = apps.get_model("courses", "Competence")
    for number, name, competences in FRAMEWORK:
        domain, _created = CompetenceDomain.objects.get_or_create(number=number, defaults={"name": name})
        for competence_number, competence_name in competences:
            major, minor = competence_number.split(".")
            Competence.objects.get_or_create(
                number=competence_number,
                defaults={"domain": domain, "name": competence_name, "sort_order": int(major) * 100 + int(minor)},
            )


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_courses_lessons_enrolments")]

    operations = [migrations.RunPython(add_framework, migrations.RunPython.noop)]
