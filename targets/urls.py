"""The coverage API for other systems (token-authenticated), and the learner's choice of Zalo reminders."""

from django.urls import path

from targets import api, views

urlpatterns = [
    path("api/v1/coverage/", api.coverage_api, name="coverage_api"),
    path("tai-khoan/nhan-tin-zalo/", views.zalo_consent, name="zalo_consent"),
]
