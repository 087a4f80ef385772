"""The organisation's public pages: a training session's QR self check-in, "Dữ liệu của tôi", and staff's two-step
verification."""

from django.urls import path

from lms import two_factor_views, views

urlpatterns = [
    path("diem-danh/<slug:code>/", views.session_checkin, name="session_checkin"),
    path("tai-khoan/du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve.<slug:file_format>", views.my_data_download, name="my_data_download"),
    path("tai-khoan/xac-thuc-hai-buoc/", two_factor_views.verify, name="two_factor_verify"),
    path("tai-khoan/xac-thuc-hai-buoc/thiet-lap/", two_factor_views.enrol, name="two_factor_enrol"),
    path("tai-khoan/xac-thuc-hai-buoc/ma-du-phong/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
]
