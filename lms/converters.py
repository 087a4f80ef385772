"""Ids in URLs and query strings: ASCII digits that fit the database's 64-bit integers.

Django's ``<id:...>`` takes any number of digits, and SQLite cannot even compare a column with an
integer over 2^63 (a server error instead of "not found"); ``str.isdigit`` takes "²", which ``int``
refuses. Both are read here the one way.
"""

import re

from django.urls import register_converter

ID_PATTERN = "[0-9]{1,18}"  # 18 digits are always below 2^63


class IdConverter:
    """``<id:pk>`` in a URL pattern: an id the database can look up, or the URL does not match (404)."""

    regex = ID_PATTERN

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


def parse_id(value):
    """The id that ``value`` (a query parameter, a form field) spells, or None when it spells none."""
    return int(value) if isinstance(value, str) and re.fullmatch(ID_PATTERN, value) else None


def register():
    register_converter(IdConverter, "id")
