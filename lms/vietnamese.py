"""Vietnamese names: the order people expect in lists, and search without diacritics.

Both are computed in Python and stored, so SQLite and PostgreSQL sort and search alike
whatever collation the database was created with.
"""

import unicodedata

# Vietnamese letter order, with the Latin letters Vietnamese does not use in their Latin places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones order after the base letter: level, grave, hook, tilde, acute, dot below.
TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)

# The key is made of digits only: every collation orders digit strings as bytes do.
_CODES = {letter: f"{20 + index:02d}" for index, letter in enumerate(ALPHABET)}
_CODES.update({str(digit): f"{10 + digit:02d}" for digit in range(10)})
_WORD_BREAK = "01"
_END_OF_LETTERS = "00"
SORT_KEY_LENGTH = 255


def _letters_and_tones(word):
    """Split a lower-case word into base letters (with ă â ê ô ơ ư đ kept) and one tone per letter."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", word):
        if char in TONE_MARKS:
            if tones:
                tones[-1] = TONE_MARKS[char]
        elif char in LETTER_MARKS:
            marked = unicodedata.normalize("NFC", letters[-1] + char) if letters else ""
            if marked in _CODES:  # a mark Vietnamese does not put on this letter ("î") is dropped
                letters[-1] = marked
        elif char in _CODES:
            letters.append(char)
            tones.append(0)
    return letters, tones


def name_sort_key(full_name):
    """A key that sorts by given name (last word), then middle names, then family name.

    Letters compare in Vietnamese order first; tones only break ties between names that
    are otherwise spelled the same, as in a dictionary.
    """
    words = full_name.lower().split()
    if not words:
        return ""
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    letter_codes, tone_digits = [], []
    for word in ordered:
        letters, tones = _letters_and_tones(word)
        letter_codes.append("".join(_CODES[letter] for letter in letters))
        tone_digits.extend(str(tone) for tone in tones)
    key = _WORD_BREAK.join(letter_codes) + _END_OF_LETTERS + "".join(tone_digits)
    return key[:SORT_KEY_LENGTH]


def fold(text):
    """Lower-case text without diacritics and with single spaces: "Nguyễn  Văn Ân" -> "nguyen van an"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(without_marks.split())
