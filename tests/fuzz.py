"""Generated input for the fuzz tests (tests/<app>/test_fuzz.py): text an attacker types, and a way to
send each input to a database that forgets it."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from hypothesis import strategies as st

# Inputs that broke the site once, or that break parsers in general.
NASTY = [
    "",
    " ",
    "²",  # str.isdigit() says yes, int() says no
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "\U0001d7d9\U0001d7da",  # mathematical double-struck digits
    "1e999999999",  # decimal.Overflow in arithmetic
    "-1e999999999",
    "1e-999999999",
    "NaN",
    "sNaN",
    "-Infinity",
    "9223372036854775808",  # 2^63: beyond SQLite's integers
    "99999999999999999999999999",
    "100000000000000",
    "-1",
    "0",
    "1,5",
    "1.000.000,5",
    "0001/GCN-MTTQ",  # a certificate's printed serial
    "../../etc/passwd",
    "a/b//c/",
    "\x00",
    "a\x00b",
    "%00",
    "\u202e",
    "\ufeff",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "🙂",
    "ǅİﬀ",
    "\r\n",
    "2026-02-30",
    "31/12/99999",
]


def long_texts():
    """Text past every field's length and past the CSV module's 128 KB cell limit."""
    return st.builds(
        lambda piece, times: piece * times, st.sampled_from(["a", "ễ", "9", "/", "x "]), st.integers(200, 140_000)
    )


def odd_text():
    """Any text a form or a query parameter may receive (no lone surrogates: they are no UTF-8)."""
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers().map(str),
        st.decimals().map(str),
        long_texts(),
    )


class _Forget(Exception):
    pass


@contextmanager
def fresh():
    """One generated input: its writes are rolled back and the cache (throttles, lockouts) emptied, so
    inputs do not see each other."""
    cache.clear()
    try:
        with transaction.atomic():
            yield
            raise _Forget
    except _Forget:
        pass
