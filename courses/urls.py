"""The learner's pages outside the page tree: "Khóa học của tôi", enrolling, lessons done, quiz attempts."""

from django.urls import path

from courses import quiz_views, views

urlpatterns = [
    path("khoa-hoc-cua-toi/", views.my_courses, name="my_courses"),
    path("dang-ky-khoa-hoc/<id:course_id>/", views.enrol, name="course_enrol"),
    path("mo-bai-hoc/<id:lesson_id>/", views.lesson_opened, name="lesson_opened"),
    path("hoan-thanh-bai-hoc/<id:lesson_id>/", views.lesson_done, name="lesson_done"),
    path("bai-kiem-tra/<id:quiz_id>/bat-dau/", quiz_views.start_attempt, name="quiz_start"),
    path("lan-lam-bai/<id:attempt_id>/", quiz_views.attempt_page, name="quiz_attempt"),
    path("lan-lam-bai/<id:attempt_id>/luu/", quiz_views.save_answers, name="quiz_save"),
    path("lan-lam-bai/<id:attempt_id>/nop-bai/", quiz_views.submit_attempt, name="quiz_submit"),
    path("lan-lam-bai/<id:attempt_id>/ket-qua/", quiz_views.attempt_result, name="quiz_attempt_result"),
]
