"""A stand-in for Zalo on 127.0.0.1, speaking the protocol the site uses: ZNS ``POST /message/template`` with
the ``access_token`` header, and OAuth v4 ``POST /v4/oa/access_token`` with the ``secret_key`` header. It checks
the tokens (access tokens expire, refresh tokens are single-use and rotate), keeps the Official Account's daily
quota, and answers with Zalo's error codes."""

import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

ACCESS_TOKEN_LIFETIME = 90000  # seconds: Zalo's 25 hours


@dataclass
class FakeZalo:
    """What the fake Zalo knows, and what the tests change: an approved template, a daily quota, phone numbers
    that are not on Zalo, failures to serve."""

    app_id: str
    secret_key: str
    daily_quota: int = 500
    approved_templates: set = field(default_factory=set)
    not_on_zalo: set = field(default_factory=set)  # phones answered with -118
    server_errors: int = 0  # how many of the next requests fail with HTTP 503
    sent: list = field(default_factory=list)  # the messages accepted, as sent
    send_requests: int = 0  # every request to send, accepted or not
    refreshes: int = 0
    day: int = 0
    clock: int = 0  # seconds since the fake started, moved by ``advance``
    access_tokens: dict = field(default_factory=dict)  # token -> when it expires (on ``clock``)
    refresh_tokens: set = field(default_factory=set)
    sent_today: int = 0
    url: str = ""
    _msg_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_tokens(self):
        """A fresh pair, as the OA's authorisation page gives: (access token, refresh token)."""
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access_tokens[access] = self.clock + ACCESS_TOKEN_LIFETIME
        self.refresh_tokens.add(refresh)
        return access, refresh

    def advance(self, seconds):
        self.clock += seconds

    def next_day(self):
        """Zalo's day turns: the quota is whole again."""
        self.day += 1
        self.sent_today = 0

    def expire_access_tokens(self):
        self.access_tokens.clear()

    # the two endpoints: (HTTP status, JSON answer)

    def send_template(self, headers, body):
        self.send_requests += 1
        expires = self.access_tokens.get(headers.get("access_token", ""))
        if expires is None or expires <= self.clock:
            return 200, {"error": -124, "message": "Access token invalid"}
        phone = str(body.get("phone", ""))
        if not (phone.startswith("84") and phone.isdigit() and len(phone) in (11, 12)):
            return 200, {"error": -108, "message": "Phone number invalid"}
        if body.get("template_id") not in self.approved_templates:
            return 200, {"error": -109, "message": "Template ID invalid"}
        if not body.get("template_data"):
            return 200, {"error": -111, "message": "Template data empty"}
        if phone in self.not_on_zalo:
            return 200, {"error": -118, "message": "Zalo account not existed"}
        if self.sent_today >= self.daily_quota:
            return 200, {"error": -144, "message": "OA has exceeded the daily quota"}
        self.sent_today += 1
        self.sent.append(body)
        data = {
            "msg_id": f"msg{next(self._msg_ids)}",
            "sent_time": str(1764720000000 + self.clock * 1000),
            "quota": {"dailyQuota": str(self.daily_quota), "remainingQuota": str(self.daily_quota - self.sent_today)},
        }
        return 200, {"error": 0, "message": "Success", "data": data}

    def refresh(self, headers, form):
        if headers.get("secret_key") != self.secret_key or form.get("app_id") != self.app_id:
            return 200, {"error": -14002, "error_name": "Invalid app", "error_description": "App secret key invalid"}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.refresh_tokens:
            return 200, {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_description": "Refresh token is invalid or has been used",
            }
        self.refresh_tokens.discard(form["refresh_token"])  # single-use
        self.refreshes += 1
        access, refresh = self.issue_tokens()
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": str(ACCESS_TOKEN_LIFETIME)}


def serve(fake):
    """Start ``fake`` on a free port of 127.0.0.1 in a thread; returns the server (``shutdown()`` stops it)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with fake._lock:
                if fake.server_errors:
                    fake.server_errors -= 1
                    status, answer = 503, {"error": -100, "message": "Service unavailable"}
                elif self.path == "/message/template":
                    status, answer = fake.send_template(self.headers, json.loads(raw or b"{}"))
                elif self.path == "/v4/oa/access_token":
                    form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
                    status, answer = fake.refresh(self.headers, form)
                else:
                    status, answer = 404, {"error": -106, "message": "Method unsupported"}
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
