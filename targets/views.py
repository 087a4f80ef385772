"""The learner's own choice of reminders by Zalo, from "Khóa học của tôi"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms import services
from lms.selectors import person_of


@login_required
@require_POST
def zalo_consent(request):
    """Agree, or no longer agree, to be reminded by Zalo at one's phone number."""
    person = person_of(request.user)
    if person is None:  # an account on nobody's list has no reminders to receive
        raise Http404
    consent = request.POST.get("zalo_consent") == "on"
    services.set_zalo_consent(person=person, consent=consent, user=request.user)
    if consent:
        messages.success(request, _("Reminders will come by Zalo to %(phone)s.") % {"phone": person.phone})
    else:
        messages.success(request, _("Reminders will come by email only."))
    return redirect("my_courses")
