"""Zalo's HTTP API as this site uses it: ZNS templated messages to a phone number, and the Official Account's
access token refreshed with OAuth v4. Nothing here touches the database (see ``targets.services``).

Sources: Zalo for Developers, "Zalo Notification Service" (send a template message) and "Official Account API:
xác thực và ủy quyền" (OAuth v4); the error codes are those of zalo.cloud/zns/guidelines/handle-error-code.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from lms.phones import normalize_phone

SEND_PATH = "/message/template"
TOKEN_PATH = "/v4/oa/access_token"

# What the site does with each error code of a send. Codes not listed are retried with a back-off.
ACCESS_TOKEN_INVALID = -124  # expired or revoked: refresh it, then send once more
DAILY_QUOTA_EXCEEDED = -144  # the Official Account has sent its quota for today: wait for tomorrow
# The message can never go as it is: retrying would only use quota. The person is told by email instead.
PERMANENT_ERRORS = frozenset(
    {
        -108,  # Phone number invalid
        -109,  # Template ID invalid
        -111,  # Template data empty
        -112,  # Template data invalid (a value too long for its placeholder, say)
        -117,  # OA or App does not have permission to access this template
        -118,  # Zalo account not existed
        -119,  # Account can not receive ZNS
        -131,  # Template not approved
        -139,  # User refused to receive this type of ZNS
    }
)


class ZaloUnavailable(Exception):
    """Zalo could not be reached or answered with a server error: worth trying again later."""


@dataclass(frozen=True)
class SendResult:
    """Zalo's answer to one send: ``error`` 0 and a ``msg_id`` when it went out."""

    error: int
    message: str
    msg_id: str = ""
    daily_quota: int | None = None
    remaining_quota: int | None = None

    @property
    def ok(self):
        return self.error == 0


@dataclass(frozen=True)
class TokenResult:
    """Zalo's answer to a refresh: a new access token and a new refresh token (the old one is spent), or an
    error."""

    access_token: str = ""
    refresh_token: str = ""
    expires_in: int = 0
    error: int = 0
    message: str = ""

    @property
    def ok(self):
        return bool(self.access_token and self.refresh_token)


def zalo_phone(raw):
    """A Vietnamese phone number as ZNS takes it, "84" and the number without its leading 0
    ("0912 345 678" -> "84912345678"); "" when ``raw`` is not a Vietnamese phone number."""
    canonical = normalize_phone(raw)
    return "84" + canonical[1:] if canonical else ""


def send_template(*, access_token, phone, template_id, template_data, tracking_id):
    """Send one ZNS message. Raises ``ZaloUnavailable`` when Zalo cannot be reached or fails on its side."""
    answer = _post(
        settings.ZALO_ZNS_URL + SEND_PATH,
        headers={"access_token": access_token, "Content-Type": "application/json"},
        body=json.dumps(
            {"phone": phone, "template_id": template_id, "template_data": template_data, "tracking_id": tracking_id}
        ).encode(),
    )
    data = answer.get("data") or {}
    quota = data.get("quota") or {}
    return SendResult(
        error=int(answer.get("error", -100)),
        message=str(answer.get("message", "")),
        msg_id=str(data.get("msg_id", "")),
        daily_quota=_number(quota.get("dailyQuota")),
        remaining_quota=_number(quota.get("remainingQuota")),
    )


def refresh_access_token(refresh_token):
    """Trade the refresh token (single-use) for a new access token and a new refresh token."""
    answer = _post(
        settings.ZALO_OAUTH_URL + TOKEN_PATH,
        headers={"secret_key": settings.ZALO_APP_SECRET, "Content-Type": "application/x-www-form-urlencoded"},
        body=urllib.parse.urlencode(
            {"app_id": settings.ZALO_APP_ID, "grant_type": "refresh_token", "refresh_token": refresh_token}
        ).encode(),
    )
    if answer.get("access_token") and answer.get("refresh_token"):
        return TokenResult(
            access_token=answer["access_token"],
            refresh_token=answer["refresh_token"],
            expires_in=_number(answer.get("expires_in")) or 0,
        )
    message = answer.get("error_description") or answer.get("error_name") or answer.get("message") or ""
    return TokenResult(error=int(answer.get("error", -1)), message=str(message))


def _post(url, *, headers, body):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.ZALO_TIMEOUT) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code >= 500:
            raise ZaloUnavailable(f"HTTP {error.code}") from error
        try:  # Zalo answers most refusals with a JSON body, whatever the status
            answer = json.loads(error.read())
        except ValueError:
            raise ZaloUnavailable(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise ZaloUnavailable(str(error)) from error
    if not isinstance(answer, dict):
        raise ZaloUnavailable("not a JSON object")
    return answer


def _number(value):
    # Zalo writes numbers as strings in some answers ("expires_in": "90000")
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
