"""The site's own middleware: the interface language, the Permissions-Policy header and compressed pages."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Use the language picked with the switcher (a cookie), otherwise Vietnamese.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many
    cadres' phones are set to English, but the site speaks Vietnamese unless asked not to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header built from ``settings.PERMISSIONS_POLICY``.

    Each feature maps to the origins allowed to use it: "self", full origins, or none at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(map(allow_list_item, origins))})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def allow_list_item(origin):
    """``self`` stays a keyword; an origin is quoted, as the header's structured-field syntax wants."""
    return origin if origin == "self" else f'"{origin}"'


class CompressedTextMiddleware(GZipMiddleware):
    """Send pages, JSON and CSV gzipped to a browser that accepts it: an organiser's report or a learner's lesson
    is about a seventh of its size on a phone's weak connection. PDFs, spreadsheets and images are compressed
    already and go as they are. Django's gzip keeps its guard against BREACH (random bytes in each response), and
    CSRF tokens are masked afresh on every page."""

    compressible = ("text/", "application/json", "application/javascript", "image/svg+xml")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.compressible):
            return response
        return super().process_response(request, response)
