"""Checks a pattern match must pass to count: checksums and shapes a regex cannot express.

A validator sees the matched text and the whole text it was found in (with the match's
character offsets), and answers whether the match is a real finding. Packs name them in
`validate = [...]`; an unknown name is a pack error. Checksums cut false positives sharply:
a random 16-digit number passes Luhn one time in ten, a random IBAN-shaped string mod-97 one
time in 97.
"""

from __future__ import annotations

import math
import re
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
    """Not a run of one character or an obvious filler (xxxx, 0000, ****, AKIAAAAAAAAAAAAAAAAA):
    more than two distinct letters and digits, none of them filling over half the match."""
    letters = [c for c in match if c.isalnum()]
    return len(set(letters)) > 2 and max(Counter(letters).values()) * 2 <= len(letters)


# -- secrets ---------------------------------------------------------------------------------

# Passwords that stand for a password in documentation, or are a container image's published
# default (postgres:postgres, guest:guest): compared after lower-casing and dropping everything
# but letters and digits.
_PLACEHOLDER_WORDS = frozenset({
    "password", "passwd", "pass", "pwd", "pw", "secret", "changeme", "changeit", "placeholder",
    "redacted", "hidden", "masked", "mypassword", "mysecretpassword", "mysecret", "dbpassword",
    "dbpass", "userpassword", "examplepassword", "example", "dummy", "test", "testing",
    "postgres", "root", "admin", "guest", "default", "user", "username", "foo", "bar", "foobar",
    "pa55word", "passw0rd", "p4ssw0rd", "letmein", "secretpassword", "yourpassword",
})
_PLACEHOLDER_OPENERS = ("<", "${", "{", "$", "%(", "%s", "[", "(", ":")


def not_placeholder(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """A password in a connection string that is not a stand-in: not `password`, `<pass>`,
    `${DB_PASS}`, `$PGPASS`, `%(pw)s`, `****`, `xxxx`, `your_password`, nor a container
    default such as `postgres` or `guest`."""
    if match.startswith(_PLACEHOLDER_OPENERS):
        return False
    core = "".join(c for c in match.lower() if c.isalnum())
    if not core or len(set(core)) <= 2 or core in _PLACEHOLDER_WORDS:
        return False
    return not core.startswith(("your", "insert", "enter", "replace"))


# -- personal data ---------------------------------------------------------------------------

# RFC 2606 / RFC 6761 names reserved for documentation and testing: nobody's mailbox.
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
# `icon@2x.png`, `logo@3x.webp`: asset names, not addresses (a TLD that is a file extension).
_FILE_SUFFIXES = frozenset({
    "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "avif", "heic",
    "js", "mjs", "ts", "tsx", "jsx", "css", "scss", "json", "html", "htm", "xml", "yaml", "yml",
    "txt", "md", "pdf", "zip", "gz", "tar", "mp3", "mp4", "wav", "mov", "csv", "log", "lock",
})


def email_address(match: str, text: str = "", start: int = 0, _end: int = 0) -> bool:
    """An address someone could own: not at a reserved documentation domain (example.com,
    *.test ...), not `git@github.com` (an SSH remote), not an asset name like `logo@2x.png`,
    not the `password@host` of a URL (`postgres://app:pw@db`), and not a stand-in such as
    `your_email@gmail.com` or `user@domain.com`."""
    local, _, domain = match.lower().rpartition("@")
    if not local or not domain or (start > 0 and text[start - 1] in ":/"):
        return False
    word_start = max(text.rfind(c, 0, start) for c in " \t\n\"'<>(")
    if "://" in text[word_start + 1 : start]:  # postgres://app:S3cr!t@db.acme.io
        return False
    if domain in _RESERVED_DOMAINS or domain.endswith(_RESERVED_SUFFIXES):
        return False
    if any(domain.endswith("." + reserved) for reserved in _RESERVED_DOMAINS):
        return False
    if local == "git" or domain.rsplit(".", 1)[-1] in _FILE_SUFFIXES:
        return False
    # Documentation stand-ins: your_email@gmail.com, user@domain.com, name@yourcompany.com.
    return not (local.startswith("your") or domain.startswith("your") or domain == "domain.com")


def phone_number(match: str, text: str = "", start: int = 0, _end: int = 0) -> bool:
    """A plausible phone number: 8 to 15 digits (E.164's maximum), not a run of one digit or a
    counting sequence (123 456 7890). Written without any separator (+4915123456789) it needs
    10 digits and must not open a line: `+9605867999` under a number is a sum, not a phone."""
    digits = _digits(match)
    separated = any(not c.isdigit() and c != "+" for c in match)
    if not (8 if separated else 10) <= len(digits) <= 15 or len(set(digits)) <= 2:
        return False
    if not separated and (start == 0 or text[start - 1] == "\n"):
        return False
    if _toll_free(digits):
        return False
    return digits not in "012345678901234567890" and digits not in "98765432109876543210"


# North American toll-free area codes: a business's hotline, not a person's number (a support
# dataset repeats its company's 1-800 number in every answer: 297 findings in one real file).
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def _toll_free(digits: str) -> bool:
    national = digits[1:] if len(digits) == 11 and digits[0] == "1" else digits
    return len(national) == 10 and national[:3] in _TOLL_FREE


# Card numbers published by card networks and payment processors for testing: documentation.
_TEST_CARDS = frozenset({
    "4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556",
    "4222222222222", "5555555555554444", "5105105105105100", "5200828282828210",
    "2223003122003222", "378282246310005", "371449635398431", "378734493671000",
    "6011111111111117", "6011000990139424", "30569309025904", "38520000023237",
    "3530111333300000", "3566002020360505", "6200000000000005", "4000000000000002",
    "4000000000009995", "4000002500003155", "5454545454545454", "4444333322221111",
})


def not_test_card(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """Not one of the card networks' and processors' published test numbers (4111 1111 1111
    1111, Stripe's 4242 4242 4242 4242 ...)."""
    return _digits(match) not in _TEST_CARDS


_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """UK National Insurance numbers: the prefixes HMRC never issues (BG, GB, KN, NK, NT, TN,
    ZZ) are out; the pattern already excludes the letters D, F, I, Q, U, V (and O second)."""
    compact = "".join(match.split()).upper()
    return len(compact) == 9 and compact[:2] not in _NINO_BAD_PREFIXES


def nhs_number(match: str, _text: str = "", _start: int = 0, _end: int = 0) -> bool:
    """NHS numbers (England, Wales, Isle of Man): 10 digits whose mod-11 check digit is right."""
    digits = _digits(match)
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# -- placeholders ----------------------------------------------------------------------------

# What makes a line code rather than prose: a `{name}` there is a format field or a template.
_F_STRING = re.compile(r"(?<![A-Za-z])[fr]f?[\"']")  # f"..", rf'..', not "chief's"
_CODE_START = re.compile(
    r"\s*(?:return|def|function|const|let|var|echo|import|export|curl|class|print|console|printf)\b"
)
_CALL = re.compile(r"\w\(")
_CODE_MARKS = (".format(", "format!(", "println!", "console.", "=>", " = ", "{%", "%}", "\\",
               "String.", "string.", "=<", "=\"", "='")


def prose_line(_match: str, text: str, start: int, end: int) -> bool:
    """The line holding the match reads as prose, not code: it does not start with a keyword
    (return, def, const, echo ...), end with `;` or `{` or a call's `)`, nor hold an assignment,
    a formatting call, an f-string, a template tag or a LaTeX command."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    stripped = line.rstrip()
    if stripped.endswith((";", "{")) or (stripped.endswith(")") and _CALL.search(line)):
        return False
    if _CODE_START.match(line) or _F_STRING.search(line):
        return False
    return not any(mark in line for mark in _CODE_MARKS)


VALIDATORS: dict[str, Validator] = {
    "luhn": luhn,
    "iban": iban,
    "us-ssn": us_ssn,
    "outside-code": outside_code,
    "not-repeated": not_repeated,
    "not-placeholder": not_placeholder,
    "email-address": email_address,
    "phone-number": phone_number,
    "not-test-card": not_test_card,
    "uk-nino": uk_nino,
    "nhs-number": nhs_number,
    "prose-line": prose_line,
}


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`'s own character distribution (0 for one repeated char).

    Random base62 keys score ~5.5 at length 40; English words and identifiers ~3-4."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())
