"""Public certificate pages: checking a certificate by its code, and the holder's download."""

from django.urls import path

from certificates import views

urlpatterns = [
    path("certificates/verify/", views.verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path("giay-chung-nhan/<slug:code>/tai-ve/", views.download, name="certificate_download"),
]
