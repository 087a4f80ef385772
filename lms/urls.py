"""The organisation's public pages: a training session's QR self check-in, "Dữ liệu của tôi", staff's two-step
verification and single sign-on."""

from django.urls import path

from lms import sso_views, two_factor_views, views

urlpatterns = [
    path("diem-danh/<slug:code>/", views.session_checkin, name="session_checkin"),
    path("tai-khoan/du-lieu-cua-toi/", views.my_data, name="my_data"),
    path("tai-khoan/du-lieu-cua-toi/tai-ve.<slug:file_format>", views.my_data_download, name="my_data_download"),
    path("tai-khoan/xac-thuc-hai-buoc/", two_factor_views.verify, name="two_factor_verify"),
    path("tai-khoan/xac-thuc-hai-buoc/thiet-lap/", two_factor_views.enrol, name="two_factor_enrol"),
    path("tai-khoan/xac-thuc-hai-buoc/ma-du-phong/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    # the names mozilla-django-oidc reverses
    path("tai-khoan/sso/", sso_views.SignOnStartView.as_view(), name="oidc_authentication_init"),
    path("tai-khoan/sso/callback/", sso_views.SignOnCallbackView.as_view(), name="oidc_authentication_callback"),
]
