"""The site's URLs: Wagtail's admin and documents, log-in, each app's pages, then Wagtail's page tree."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.activation_views import ActivationCodeView, ActivationLinkView
from lms.forms import PasswordResetForm
from lms.views import LoginView

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/login/", LoginView.as_view(), name="login"),
    path(
        "tai-khoan/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("tai-khoan/kich-hoat/", ActivationCodeView.as_view(), name="activate"),
    path("tai-khoan/kich-hoat/<uidb64>/<token>/", ActivationLinkView.as_view(), name="activate_link"),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    path("", include("lms.urls")),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
    path("", include("targets.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
