"""What the admin shows its users instead of Wagtail's defaults that do not fit a LAN in Vietnam."""

from urllib.parse import quote

from django.utils.html import escape
from wagtail.admin.widgets import SlugInput

AVATAR_COLOURS = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490", "#be185d", "#4d7c0f"]

# Wagtail's slug maker knows no Vietnamese letter ("Đồng" would lose its "Đồ"): these replacements run first.
# The last one drops the accents of text typed with combining marks (as some keyboards do).
VIETNAMESE_LETTERS = {
    "a": "àáảãạăằắẳẵặâầấẩẫậ",
    "d": "đ",
    "e": "èéẻẽẹêềếểễệ",
    "i": "ìíỉĩị",
    "o": "òóỏõọôồốổỗộơờớởỡợ",
    "u": "ùúủũụưừứửữự",
    "y": "ỳýỷỹỵ",
}
SLUG_FORMATTERS = [
    *((f"[{letters}{letters.upper()}]", plain) for plain, letters in VIETNAMESE_LETTERS.items()),
    ("[\u0300-\u036f]", ""),
]


def initials(user):
    """The first letters of the last two words of the user's name (the given name last, as Vietnamese names
    are written), or the first letter of the username."""
    words = user.get_full_name().split() or [user.get_username()]
    return "".join(word[0] for word in words[-2:]).upper()


def initials_avatar_url(user, size):
    """A ``data:`` URL of a square SVG picture with the user's initials: drawn here, loaded from nowhere."""
    colour = AVATAR_COLOURS[(user.pk or 0) % len(AVATAR_COLOURS)]
    picture = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="{colour}"/>'
        '<text x="50" y="50" dy="0.35em" text-anchor="middle" font-family="sans-serif" font-size="40" fill="#fff">'
        f"{escape(initials(user))}</text></svg>"
    )
    return "data:image/svg+xml," + quote(picture)


class VietnameseSlugInput(SlugInput):
    """Wagtail's slug field, which makes "dong-quang" of the title "Đồng Quang"."""

    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs, formatters=formatters or SLUG_FORMATTERS, locale=locale)
