"""Checks a pattern match must pass to count: checksums and shapes a regex cannot express.

A validator sees the matched text and the whole text it was found in (with the match's
character offsets), and answers whether the match is a real finding. Packs name them in
`validate = [...]`; an unknown name is a pack error. Checksums cut false positives sharply:
a random 16-digit number passes Luhn one time in ten, a random IBAN-shaped string mod-97 one
time in 97.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

Validator = Callable[[str, str, int, int], bool]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """Payment card numbers: 13-19 digits whose Luhn checksum is 0, not all one digit."""
    digits = _digits(match)
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# ISO 13616 lengths per country (SWIFT IBAN registry): a wrong length is not an IBAN.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def iban(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """IBANs: a known country, its length, and the ISO 7064 mod-97 checksum equal to 1."""
    compact = "".join(match.split()).upper()
    if _IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def us_ssn(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """US Social Security numbers: area not 000, 666 or 9xx; group not 00; serial not 0000.

    The SSA's advertising numbers (078-05-1120, 219-09-9999) and the 123-45-6789 example are
    documentation, not people."""
    digits = _digits(match)
    if len(digits) != 9 or digits in {"078051120", "219099999", "123456789"}:
        return False
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in {"000", "666"} and area[0] != "9" and group != "00" and serial != "0000"


def outside_code(_match: str, text: str, start: int, end: int) -> bool:
    """Not inside Markdown code (a ``` fence or `inline` span): `{name}` in code is a format
    string, not an unfilled template."""
    if text.count("```", 0, start) % 2:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text.count("`", line_start, start)
    return not (before % 2 and "`" in text[end:line_end])


def not_repeated(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """Not a run of one character or an obvious filler (xxxx, 0000, ****)."""
    letters = [c for c in match if c.isalnum()]
    return len(set(letters)) > 2


VALIDATORS: dict[str, Validator] = {
    "luhn": luhn,
    "iban": iban,
    "us-ssn": us_ssn,
    "outside-code": outside_code,
    "not-repeated": not_repeated,
}


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`'s own character distribution (0 for one repeated char).

    Random base62 keys score ~5.5 at length 40; English words and identifiers ~3-4."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())
