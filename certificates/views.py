"""The public check of a certificate, and a learner's download of their own."""

import re

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from certificates.models import Certificate, compact_code
from lms.clients import client_address

# Wrong codes allowed from one address before it must wait out WRONG_GUESS_WINDOW (seconds).
WRONG_GUESSES_ALLOWED = 10
WRONG_GUESS_WINDOW = 15 * 60
# What verification codes are made of, now and before (URL-safe base64), up to the field's length: anything else
# is no code.
CODE_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,32}")


def wrong_guesses(request):
    return cache.get(f"certificate-verify:{client_address(request)}", 0)


def note_wrong_guess(request):
    key = f"certificate-verify:{client_address(request)}"
    cache.add(key, 0, WRONG_GUESS_WINDOW)
    cache.incr(key)


@require_GET
def verify(request, code=None):
    """By code (typed in the form, or in the QR code's URL): only what is needed to check it."""
    code = compact_code(code or request.GET.get("code", ""))
    if code and not CODE_FORMAT.fullmatch(code):  # e.g. the serial number 0001/GCN-MTTQ typed instead
        return TemplateResponse(request, "certificates/verify.html", {"code": code, "malformed": True}, status=400)
    if code and not request.resolver_match.kwargs.get("code"):
        return redirect("certificate_verify", code=code)
    if wrong_guesses(request) >= WRONG_GUESSES_ALLOWED:
        response = TemplateResponse(request, "certificates/verify.html", {"code": code, "too_many": True}, status=429)
        response["Retry-After"] = str(WRONG_GUESS_WINDOW)
        return response
    certificate = None
    if code:
        certificate = Certificate.objects.select_related("template", "person").with_code(code).first()
        if certificate is None:
            note_wrong_guess(request)
    return TemplateResponse(
        request,
        "certificates/verify.html",
        {"code": code, "certificate": certificate},
        status=404 if code and certificate is None else 200,
    )


@login_required
@require_GET
def download(request, code):
    """A learner's own certificate as its signed PDF; anyone else's is not found."""
    certificate = get_object_or_404(Certificate, code=code, person__user=request.user)
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"), as_attachment=True, filename=f"giay-chung-nhan-{certificate.number:04d}.pdf"
    )
