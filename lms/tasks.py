"""Background work of the organisation app (django-tasks): password resets and delivering queued mail."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks import task


@task()
def deliver_email(message):
    """Send one message queued by ``lms.mail.QueuedEmailBackend`` through ``EMAIL_DELIVERY_BACKEND``."""
    EmailMultiAlternatives(connection=get_connection(settings.EMAIL_DELIVERY_BACKEND), **message).send()


@task()
def send_password_reset(form_path, email, language, options):
    """Mail a reset link to each account of ``email`` (none for an unknown address): the work of a reset
    request, done by ``lms.forms.QueuedPasswordResetMixin``'s form at ``form_path``."""
    form = import_string(form_path)({"email": email})
    if form.is_valid():
        with translation.override(language):
            form.send_reset_mails(**options)
