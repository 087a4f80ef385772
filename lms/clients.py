"""The address a request comes from: one answer for every throttle (log-in lockouts, certificate checks)."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address.

    ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` proxies stand in front of the site: each appends the
    address it saw to ``X-Forwarded-For``, so the client is the entry that many places from the right.
    Anything further left was written by the client and is never trusted.
    """
    remote_address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote_address
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote_address  # the request did not come through every proxy
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_address
