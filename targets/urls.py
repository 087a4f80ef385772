"""The coverage API for other systems (token-authenticated)."""

from django.urls import path

from targets import api

urlpatterns = [
    path("api/v1/coverage/", api.coverage_api, name="coverage_api"),
]
