"""URL routes: accounts, learner pages, admin, then Wagtail's page tree."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates import views as certificate_views
from courses import quiz_views
from courses import views as course_views
from coverage import api as coverage_api
from home import views as home_views
from lms import views as lms_views
from lms.forms import LoginForm

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "tai-khoan/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("khoa-hoc-cua-toi/", home_views.my_courses, name="my_courses"),
    path("diem-danh/<str:code>/", lms_views.session_checkin, name="session_checkin"),
    path("dang-ky-khoa-hoc/<int:course_id>/", course_views.enrol, name="course_enrol"),
    path("mo-bai-hoc/<int:lesson_id>/", course_views.lesson_opened, name="lesson_opened"),
    path("hoan-thanh-bai-hoc/<int:lesson_id>/", course_views.lesson_done, name="lesson_done"),
    path("certificates/verify/", certificate_views.verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", certificate_views.verify, name="certificate_verify"),
    path("giay-chung-nhan/<str:code>/tai-ve/", certificate_views.download, name="certificate_download"),
    path("api/v1/coverage/", coverage_api.coverage_api, name="coverage_api"),
    path("bai-kiem-tra/<int:quiz_id>/bat-dau/", quiz_views.start_attempt, name="quiz_start"),
    path("lan-lam-bai/<int:attempt_id>/", quiz_views.attempt_page, name="quiz_attempt"),
    path("lan-lam-bai/<int:attempt_id>/luu/", quiz_views.save_answers, name="quiz_save"),
    path("lan-lam-bai/<int:attempt_id>/nop-bai/", quiz_views.submit_attempt, name="quiz_submit"),
    path("lan-lam-bai/<int:attempt_id>/ket-qua/", quiz_views.attempt_result, name="quiz_attempt_result"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
