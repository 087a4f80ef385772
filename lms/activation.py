"""First log-in of learners whose account was made for them (by an import), who have no password yet.

Nobody is given a password: a learner with an email address gets a link to choose one; one without gets a
one-time code, printed on a list an organiser hands over, to enter with their phone number on the activation
page. Links and codes work once and expire after ``LMS_ACTIVATION_DAYS``; wrong codes are counted per account
in the cache, and after ``LMS_ACTIVATION_MAX_ATTEMPTS`` the account's codes are refused for
``LMS_ACTIVATION_LOCK_MINUTES``."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms import roles
from lms.documents import date_line, font_face, pdf_from_html
from lms.models import ActivationCode, Person, User
from lms.phones import normalize_phone

CODE_DIGITS = 8


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens of activation links: Django's password-reset tokens (void once the password is set) with their own
    salt, valid for ``LMS_ACTIVATION_DAYS`` instead of ``PASSWORD_RESET_TIMEOUT``."""

    key_salt = "lms.activation.ActivationTokenGenerator"

    def check_token(self, user, token):
        try:
            timestamp = base36_to_int((token or "").split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > settings.LMS_ACTIVATION_DAYS * 24 * 3600:
            return False
        return user is not None and any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


activation_tokens = ActivationTokenGenerator()


def awaiting_activation(people):
    """Those of ``people`` whose (active) account has no password yet."""
    return people.filter(user__is_active=True, user__password__startswith=UNUSABLE_PASSWORD_PREFIX)


def new_learner_user(person):
    """An unsaved learner account for ``person``, without a password (chosen at activation); they log in by phone."""
    family, _space, given = person.full_name.partition(" ")
    user = User(username=person.phone, phone=person.phone, email=person.email, last_name=family, first_name=given)
    user.set_unusable_password()
    return user


def is_learner_only(user):
    """Whether ``user`` holds no right beyond a learner's: the only accounts an organiser may reset."""
    return not (
        user.is_staff
        or user.is_superuser
        or user.user_permissions.exists()
        or user.groups.exclude(name=roles.LEARNER).exists()
    )


@transaction.atomic
def create_learner_account(person, *, by):
    """A learner account for ``person``, who has none, awaiting activation (by link or printed code)."""
    if person.user_id is not None:
        raise ValidationError(_("This person already has an account."))
    if not person.phone:
        raise ValidationError(_("Give the person a phone number first: they log in with it."))
    if User.objects.filter(models.Q(phone=person.phone) | models.Q(username__iexact=person.phone)).exists():
        raise ValidationError(_("Another account already uses this phone number."))
    if person.email and User.objects.filter(email__iexact=person.email).exists():
        raise ValidationError(_("Another account already uses this email address."))
    user = new_learner_user(person)
    user.save()
    user.groups.add(Group.objects.get(name=roles.LEARNER))
    Person.objects.filter(pk=person.pk).update(user=user, updated_at=timezone.now())
    person.user = user
    log(instance=person, action="lms.account_created", user=by, data={"username": user.username})
    return user


@transaction.atomic
def reset_learner_password(person, *, by):
    """Take the password of ``person``'s learner account away (ending its sessions), so that the learner chooses a
    new one by activation link or printed code. Accounts with more than a learner's rights are refused."""
    user = person.user
    if user is None:
        raise ValidationError(_("This person has no account yet."))
    if not user.is_active or not is_learner_only(user):
        raise ValidationError(
            _("This account is inactive or has more rights than a learner's: only an administrator may reset it.")
        )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    log(instance=person, action="lms.password_reset", user=by)
    return user


def link_path(user):
    """The path of ``user``'s activation link."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("activate_link", args=[uid, activation_tokens.make_token(user)])


def send_activation_links(people, *, by=None):
    """Email an activation link to each of ``people`` who awaits activation and has an email address (through
    the task queue, like all mail); the number sent."""
    people = awaiting_activation(people).exclude(user__email="").select_related("user")
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for person in people:
            context = {
                "person": person,
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link_path(person.user),
                "days": settings.LMS_ACTIVATION_DAYS,
                "login": person.user.phone or person.user.username,
            }
            subject = render_to_string("lms/activation/email_subject.txt", context).strip()
            send_mail(subject, render_to_string("lms/activation/email.txt", context), None, [person.user.email])
            log(instance=person, action="lms.activation_link_sent", user=by, data={"email": person.user.email})
            sent += 1
    return sent


def code_hash(user, code):
    """The keyed hash kept of ``user``'s code: useless without the site's secret key."""
    return salted_hmac("lms.activation.code", f"{user.pk}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def issue_codes(people, *, by=None):
    """A new one-time code for each of ``people`` who awaits activation and has no email address, ending their
    earlier codes: ``[(person, code)]`` by unit, then name. The codes themselves are not kept."""
    people = list(
        awaiting_activation(people)
        .filter(user__email="")
        .select_related("user", "unit")
        .order_by("unit__path", "sort_key")
    )
    now = timezone.now()
    users = [person.user for person in people]
    ActivationCode.objects.filter(user__in=users, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    issued = [(person, f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}") for person in people]
    ActivationCode.objects.bulk_create(
        ActivationCode(
            user=person.user,
            code_hash=code_hash(person.user, code),
            expires_at=now + timedelta(days=settings.LMS_ACTIVATION_DAYS),
            created_by=by,
        )
        for person, code in issued
    )
    for person, _code in issued:
        log(instance=person, action="lms.activation_code_issued", user=by)
    return issued


def codes_pdf(unit, issued):
    """The printed list of ``issued`` codes of ``unit``'s people (name, log-in, code), one table per unit."""
    groups = {}
    for person, code in issued:
        groups.setdefault(person.unit, []).append((person, f"{code[:4]} {code[4:]}"))
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "lms/activation/codes_pdf.html",
            {
                "font_face": font_face(),
                "unit": unit,
                "groups": groups.items(),
                "date_line": date_line(unit.short_name or unit.name, timezone.localdate()),
                "expires": timezone.localdate() + timedelta(days=settings.LMS_ACTIVATION_DAYS),
                "activation_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("activate"),
            },
        )
    return pdf_from_html(html)


def _attempts_key(login, user):
    # Keyed on the account the log-in names, whatever its spelling; unknown names get counters of their own
    # so that being blocked does not tell whether an account exists.
    identity = (
        f"user-{user.pk}" if user else hashlib.sha256((normalize_phone(login) or login.lower()).encode()).hexdigest()
    )
    return f"lms-activation-attempts:{identity}"


def check_code(login, user, code):
    """The open activation code of ``user`` (the account ``login`` names, or None) that ``code`` is; raises
    ValidationError when it is not, or when the account has had too many wrong codes."""
    key = _attempts_key(login.strip(), user)
    if cache.get(key, 0) >= settings.LMS_ACTIVATION_MAX_ATTEMPTS:
        raise ValidationError(
            _("Too many wrong codes for this account. Try again in %(minutes)s minutes.")
            % {"minutes": settings.LMS_ACTIVATION_LOCK_MINUTES},
            code="throttled",
        )
    digits = "".join(character for character in code if character in "0123456789")
    found = None
    if user is not None:
        found = ActivationCode.objects.filter(
            user=user, used_at__isnull=True, expires_at__gt=timezone.now(), code_hash=code_hash(user, digits)
        ).first()
    if found is None:
        cache.add(key, 0, settings.LMS_ACTIVATION_LOCK_MINUTES * 60)
        cache.incr(key)
        raise ValidationError(
            _(
                "This phone number or username and code do not match an account awaiting activation, or the code "
                "has expired. Check them, or ask your organiser for a new code."
            ),
            code="wrong_code",
        )
    return found


@transaction.atomic
def activate(user, password, *, code=None):
    """Give ``user`` their first password, by ``code`` (an ``ActivationCode``, then used up) or by a link."""
    if code is not None:
        if not ActivationCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=timezone.now()):
            raise ValidationError(_("This code has just been used."), code="used")
        cache.delete(_attempts_key("", user))
    user.set_password(password)
    user.save(update_fields=["password"])
    person = Person.objects.filter(user=user).first()
    if person is not None:
        log(instance=person, action="lms.activated", user=user, data={"by": "code" if code else "link"})
