"""The organisation's public pages: a training session's QR self check-in."""

from django.urls import path

from lms import views

urlpatterns = [
    path("diem-danh/<str:code>/", views.session_checkin, name="session_checkin"),
]
