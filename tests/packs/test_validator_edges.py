"""The validators at the edges of each rule: both sides of every boundary, and the context
(the line, the word, the text) they read around a match."""

from __future__ import annotations

import pytest

from ftprep.packs.validators import (
    email_address,
    iban,
    luhn,
    nhs_number,
    not_placeholder,
    not_repeated,
    outside_code,
    phone_number,
    prose_line,
    us_ssn,
)


@pytest.mark.parametrize(("text", "valid"), [
    ("4222222222222", True),  # 13 digits: the shortest card
    ("422222222222", False),  # 12 digits (the same shape, one fewer)
    ("4444444444444444442", True),  # 19 digits: the longest card; two distinct digits are fine
    ("44444444444444444424", False),  # 20 digits
    ("0000000000000000", False),  # one digit repeated, though its checksum is 0
    ("4555555555555550", True),  # a doubled 5 counts 1 (10 - 9), not 10
    ("4555555555555551", False),  # its neighbour fails the checksum
])
def test_luhn_edges(text: str, valid: bool) -> None:
    assert luhn(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("DE8937040044053201300!", False),  # the length of a DE IBAN, but not alphanumeric
    ("DE89 3704 0044 0532 0130 00", True),  # the same with digits
])
def test_iban_needs_letters_and_digits(text: str, valid: bool) -> None:
    assert iban(text) is valid


def test_us_ssn_the_second_advertising_number() -> None:
    assert us_ssn("219-09-9999") is False
    assert us_ssn("219-09-9998") is True  # one serial over: an ordinary number


@pytest.mark.parametrize(("text", "valid"), [
    ("Dear {name}\n```\ncode", True),  # a fence opening after the match does not count
    ("x\ny`z\nDear {name} `q`", True),  # a backtick on an earlier line does not open this line's code
    ("intro\n`{name}` x", False),  # code opening the line (at the line's first character)
    ("Dear `{name}` x\nmore", False),  # inline code, with a later line
    ("intro\nDear `{name}` x", False),  # inline code, with an earlier line
    ("it`s {name} here\nuse `x`\nend", True),  # a closing backtick only on a later line: prose
    ("Dear `{name}`", False),  # the closing backtick is the text's last character
    ("Dear {name} it`s", True),  # an odd backtick only after the match
    ("Dear {name} `x`", True),  # inline code after the match, not around it
    ("`a` Dear {name} `b`", True),  # two spans before (an even count): outside both
    ("`a` `b` `c Dear {name} d`", False),  # three backticks before: inside the third span
])
def test_outside_code_reads_the_line(text: str, valid: bool) -> None:
    start = text.index("{name}")
    assert outside_code("{name}", text, start, start + 6) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("abcabc", True),  # exactly 3 distinct characters is enough
    ("aabc", True),  # the commonest fills exactly half: allowed
    ("aaabc", False),  # over half
    ("ababab", False),  # 2 distinct
])
def test_not_repeated_edges(text: str, valid: bool) -> None:
    assert not_repeated(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("abab", False),  # 2 distinct characters: filler
    ("abcabc", True),  # 3 distinct: could be a password
    ("your_db_secret", False),  # "your..." stand-ins
    ("insert-password-here", False),
    ("enter_pw_here", False),
    ("REPLACE_ME_123", False),  # after lower-casing
    ("mountain-ash-42", True),  # no stand-in prefix
])
def test_not_placeholder_edges(text: str, valid: bool) -> None:
    assert not_placeholder(text) is valid


@pytest.mark.parametrize(("found", "text", "start", "valid"), [
    ("maria@", "write to maria@ now", 9, False),  # no domain
    ("@acme.io", "write to @acme.io now", 9, False),  # no local part (a handle)
    ("a@b@domain.com", "write to a@b@domain.com now", 9, False),  # the last @ splits off the domain
    ("s3cret@db.acme.io", "user:s3cret@db.acme.io", 5, False),  # right after a colon: a password
    ("ops@acme.io", ":ops@acme.io", 1, False),  # a colon at position 0 counts too
    ("ops@acme.io", "ops@acme.io /", 0, True),  # at the very start nothing precedes it
    ("ops@acme.io", "Xops@acme.io", 1, True),  # a letter before it is no separator
    ("t@db.acme.io", "postgres://app:S3cr!t@db.acme.io", 20, False),  # inside a URL's word
    ("t@db.acme.io", "postgres://app:S3cr!t@db.acme.io now", 20, False),  # a later space changes nothing
    ("t@db.acme.io", "https://a.io/X!t@db.acme.io", 15, False),  # an X in the URL is part of its word
    ("app@2x.min.js", "see app@2x.min.js", 4, False),  # the last dot gives the file type
    ("ops@intranet", "mail ops@intranet", 5, True),  # a dotless host (the pattern asks for a dot)
])
def test_email_address_context(found: str, text: str, start: int, valid: bool) -> None:
    assert text[start:start + len(found)] == found
    assert email_address(found, text, start, start + len(found)) is valid


def test_email_address_alone() -> None:
    """Called with the match only, the text and start default to nothing before it."""
    assert email_address("maria.k@brightmail.de") is True


@pytest.mark.parametrize(("number", "valid"), [
    ("2754 6189", True),  # separated: 8 digits are enough
    ("275 6189", False),  # separated: 7 are not
    ("+417938765", False),  # compact: 9 digits are not
    ("+4179387654", True),  # compact: 10 are
    ("+44 1234 5678 90123", True),  # 15 digits: E.164's maximum
    ("+44 1234 5678 901234", False),  # 16
    ("121-212-1212", False),  # two distinct digits
    ("(212) 212-1313", True),  # three
    ("+7 800 555 0100", True),  # 800 after another country code is not NANP toll-free
])
def test_phone_number_edges(number: str, valid: bool) -> None:
    assert phone_number(number, f"call {number} now", 5, 5 + len(number)) is valid


def test_a_compact_number_at_the_start_of_the_text_is_not_a_phone() -> None:
    assert phone_number("+4915123456789", "+4915123456789 is the total", 0, 14) is False
    assert phone_number("+4915123456789") is False  # the defaults: at the start of an empty text


@pytest.mark.parametrize(("text", "valid"), [
    ("2000000010", True),  # the sum is a multiple of 11: the check digit is 0
    ("2000000011", False),
    ("5500000004", True),
])
def test_nhs_number_check_digit_zero(text: str, valid: bool) -> None:
    assert nhs_number(text) is valid


@pytest.mark.parametrize(("text", "prose"), [
    ("x = 1;\nDear {name}, thanks", True),  # code on the line before does not count
    ("a\nb = 2;\nDear {name}, thanks", True),  # nor two lines before
    ("Dear {name}, thanks\nx = 1;\nend", True),  # nor on a line after
    ("Dear {name}, thanks\nok\nx = 1;", True),  # nor two lines after
    ("Hi {name};", False),  # ends with ';' (the text's last character)
    ("Hi {name};  ", False),  # trailing spaces do not hide the ';'
    ("Hi {name}, welcome {", False),  # ends with '{'
    ("Hi {name}, see foo(bar)", False),  # ends with a call
    ("Hi {name} (see below)", True),  # a parenthesis that is not a call
])
def test_prose_line_reads_only_its_line(text: str, prose: bool) -> None:
    start = text.index("{name}")
    assert prose_line("{name}", text, start, start + 6) is prose
