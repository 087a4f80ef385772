from pathlib import Path

# Vietnamese for the strings of Wagtail's admin and Django's forms that their own catalogues leave untranslated.
# A site lists it in LOCALE_PATHS (docs/plugin.md): that is the only place Wagtail's admin scripts read their
# translations from besides Wagtail's own, and it outranks the catalogues of every installed app.
UPSTREAM_LOCALE_PATH = Path(__file__).resolve().parent / "upstream_locale"
