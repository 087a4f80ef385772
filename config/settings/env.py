"""Read typed settings from environment variables."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name, default=None):
    """Return the variable, or ``default``; raise if it is unset and there is no default."""
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name, default):
    """Return True for 1/true/yes/on, False for 0/false/no/off, ``default`` when unset."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    """Return the variable as an integer, ``default`` when unset."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name, default=()):
    """Return a comma-separated variable as a list of stripped, non-empty items."""
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
