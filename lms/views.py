"""The learner's side of the organisation: logging in, checking in to a training session by its QR code, and
"Dữ liệu của tôi" (the data held about them, its download, and asking for a correction)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lms import personal_data, services, sso
from lms.forms import LoginForm
from lms.models import Person, TrainingSession
from lms.selectors import may_check_in, person_of
from lms.spreadsheets import XLSX_TYPE


class LoginView(auth_views.LoginView):
    """Log in with a username, email or phone and a password; or, when a provider is configured, with it."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["single_sign_on_provider"] = sso.provider_name() if sso.is_enabled() else None
        return context


@login_required
def session_checkin(request, code):
    """Show the session; on POST, record the learner as present while check-in is open, if invited. A session with
    a page to open after check-in (its quiz, say) takes the learner who has just checked in straight to it, and
    offers it to one already present."""
    session = get_object_or_404(
        TrainingSession.objects.select_related("organising_unit", "follow_up_page"), checkin_code=code
    )
    person = services.link_person(user=request.user) if request.method == "POST" else person_of(request.user)
    follow_up = session.follow_up_page if session.follow_up_page and session.follow_up_page.live else None
    context = {"session": session, "person": person, "is_open": session.checkin_is_open(), "follow_up": follow_up}
    if person is not None:
        context["already_present"] = session.attendances.filter(person=person).exists()
        if request.method == "POST" and not context["already_present"]:
            try:
                context["just_checked_in"] = bool(services.check_in(session=session, person=person, at=timezone.now()))
                context["already_present"] = True
            except ValidationError as error:
                context["error"] = error.messages[0]
            else:
                if follow_up is not None:
                    messages.success(request, checked_in_message(person))
                    return redirect(follow_up.url)
        elif not context["already_present"] and not may_check_in(session, person):
            context["error"] = services.NOT_INVITED
    return TemplateResponse(request, "lms/session_checkin.html", context)


def checked_in_message(person):
    return _("Thank you, %(name)s: you are recorded as present.") % {"name": person.full_name}


class CorrectionRequestForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("What should be corrected"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Say which field is wrong and what it should say. Your unit's organisers will answer."),
    )


def own_person(user):
    """The person on a unit's list the account is: linked to it (even after leaving), or found by its phone."""
    return Person.objects.filter(user=user).select_related("unit").first() or person_of(user)


@login_required
def my_data(request):
    """Everything held about the logged-in person, the downloads, and the form to ask for a correction."""
    person = own_person(request.user)
    form = CorrectionRequestForm(request.POST or None)
    if request.method == "POST" and person is not None and form.is_valid():
        personal_data.request_correction(person=person, message=form.cleaned_data["message"])
        messages.success(request, _("Your request was sent to your unit's organisers."))
        return redirect("my_data")
    sections = personal_data.personal_data_of(person) if person else []
    return TemplateResponse(request, "lms/my_data.html", {"person": person, "sections": sections, "form": form})


DOWNLOADS = {
    "json": (personal_data.as_json, "application/json; charset=utf-8"),
    "xlsx": (personal_data.as_xlsx, XLSX_TYPE),
}


@login_required
@require_GET
def my_data_download(request, file_format):
    """Everything held about the logged-in person as JSON (to take to another system) or as a readable .xlsx."""
    person = own_person(request.user)
    if person is None or file_format not in DOWNLOADS:
        raise Http404
    write, content_type = DOWNLOADS[file_format]
    response = HttpResponse(write(personal_data.personal_data_of(person)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="du-lieu-cua-toi.{file_format}"'
    return response
