"""How much of Wagtail's (and Django's) catalogue is in Vietnamese: Wagtail's own `vi` alone, and with ours.

    .venv/bin/python bench/translation_coverage.py

Counts the msgids of each catalogue of the installed Wagtail (its `en` catalogues list every string) and of
Django's core and auth catalogues, and how many have a Vietnamese translation (not fuzzy, every plural form) in the
package's own `vi` catalogue, then in it or in lms/upstream_locale. Prints one line per catalogue and the totals of
the catalogues of the admin screens the site's users reach, of all Wagtail's catalogues and of Django's.
"""

import sys
from pathlib import Path

import django
import wagtail
from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms import UPSTREAM_LOCALE_PATH

WAGTAIL = Path(wagtail.__file__).parent
DJANGO = Path(django.__file__).parent
# The Wagtail apps the site installs and whose screens its users reach (no form pages: wagtail.contrib.forms has
# no screen here; locales, translations, search promotions and the style guide are not installed).
USED = {
    "wagtail",
    "wagtail.admin",
    "wagtail.users",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.sites",
    "wagtail.embeds",
    "wagtail.search",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
}


def read(path):
    if not path.exists():
        return None
    with path.open("rb") as po_file:
        return read_po(po_file)


def is_translated(catalogue, message):
    if catalogue is None:
        return False
    found = catalogue.get(message.id, context=message.context)
    if found is None or found.fuzzy:
        return False
    strings = found.string if isinstance(found.string, tuple) else (found.string,)
    return all(strings)


def catalogues():
    """(name, domain, English catalogue, the package's Vietnamese one) of Wagtail's apps, then Django's."""
    for english in sorted(WAGTAIL.rglob("locale/en/LC_MESSAGES/*.po")):
        package = english.parent.parent.parent.parent.relative_to(WAGTAIL.parent)
        yield ".".join(package.parts), english.stem, english
    for package in ("conf", "contrib/auth"):
        yield "django." + package.replace("/", "."), "django", DJANGO / package / "locale/en/LC_MESSAGES/django.po"


def main():
    ours = {domain: read(UPSTREAM_LOCALE_PATH / f"vi/LC_MESSAGES/{domain}.po") for domain in ("django", "djangojs")}
    totals = {}
    print(f"{'catalogue':44} {'strings':>8} {'package vi':>11} {'with ours':>10}")
    for name, domain, english in catalogues():
        own = read(Path(str(english).replace("/locale/en/", "/locale/vi/")))
        messages = [message for message in read(english) if message.id]
        before = sum(is_translated(own, message) for message in messages)
        now = sum(is_translated(own, message) or is_translated(ours[domain], message) for message in messages)
        label = f"{name} ({domain})"
        print(f"{label:44} {len(messages):8} {before:11} {now:10}")
        group = "django" if name.startswith("django") else "used" if name in USED else "other"
        for key in {group, "wagtail"} if group != "django" else {group}:
            counts = totals.setdefault(key, [0, 0, 0])
            counts[0] += len(messages)
            counts[1] += before
            counts[2] += now
    print()
    for key, title in (
        ("used", "Wagtail, admin screens the users reach"),
        ("wagtail", "Wagtail, every catalogue"),
        ("django", "Django, core and auth"),
    ):
        strings, before, now = totals[key]
        print(f"{title:40} {strings:5} strings: {before / strings:6.1%} in Vietnamese before, {now / strings:6.1%} now")


if __name__ == "__main__":
    main()
