"""The learner's side of the organisation: logging in, checking in to a training session by its QR code."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone

from lms import services, sso
from lms.forms import LoginForm
from lms.models import TrainingSession
from lms.selectors import may_check_in, person_of


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
    """Show the session; on POST, record the learner as present while check-in is open, if invited."""
    session = get_object_or_404(TrainingSession.objects.select_related("organising_unit"), checkin_code=code)
    person = services.link_person(user=request.user) if request.method == "POST" else person_of(request.user)
    context = {"session": session, "person": person, "is_open": session.checkin_is_open()}
    if person is not None:
        context["already_present"] = session.attendances.filter(person=person).exists()
        if request.method == "POST" and not context["already_present"]:
            try:
                context["just_checked_in"] = bool(services.check_in(session=session, person=person, at=timezone.now()))
                context["already_present"] = True
            except ValidationError as error:
                context["error"] = error.messages[0]
        elif not context["already_present"] and not may_check_in(session, person):
            context["error"] = services.NOT_INVITED
    return TemplateResponse(request, "lms/session_checkin.html", context)
