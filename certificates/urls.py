"""Public certificate pages: checking a certificate by its code, the holder's downloads, and what verifiers of
credentials read."""

from django.urls import path

from certificates import views

urlpatterns = [
    path("certificates/verify/", views.verify, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path("giay-chung-nhan/<slug:code>/tai-ve/", views.download, name="certificate_download"),
    path("giay-chung-nhan/<slug:code>/chung-nhan-so/", views.download_credential, name="credential_download"),
    path(".well-known/did.json", views.did_document, name="credential_did_document"),
    path("credentials/status/<int:number>/", views.status_list, name="credential_status_list"),
]
