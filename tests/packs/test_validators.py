"""The pack validators, each checked on both sides of every rule it applies."""

from __future__ import annotations

import pytest

from ftprep.packs.validators import (
    VALIDATORS,
    email_address,
    iban,
    luhn,
    nhs_number,
    not_placeholder,
    not_repeated,
    not_test_card,
    outside_code,
    phone_number,
    prose_line,
    shannon_entropy,
    uk_nino,
    us_ssn,
)


def test_every_validator_is_registered_by_its_kebab_name() -> None:
    for name, check in VALIDATORS.items():
        assert check.__name__.replace("_", "-") == name


@pytest.mark.parametrize(("text", "valid"), [
    ("4539 1488 0343 6467", True), ("4539-1488-0343-6467", True), ("378282246310005", True),
    ("4539 1488 0343 6468", False),  # checksum off by one
    ("4444 4444 4444 4444", False),  # one digit repeated (passes Luhn)
    ("453914880343", False),  # 12 digits: too short for a card
    ("45391488034364670000", False),  # 20 digits: too long
])
def test_luhn(text: str, valid: bool) -> None:
    assert luhn(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("DE89 3704 0044 0532 0130 00", True), ("GB29NWBK60161331926819", True),
    ("DE89 3704 0044 0532 0130 01", False),  # checksum
    ("DE89 3704 0044 0532 0130", False),  # length for DE is 22
    ("QQ89 3704 0044 0532 0130 00", False),  # unknown country
])
def test_iban(text: str, valid: bool) -> None:
    assert iban(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("536-22-8174", True), ("899-01-0001", True),
    ("000-22-8174", False), ("666-22-8174", False), ("912-22-8174", False),  # areas never issued
    ("536-00-8174", False), ("536-22-0000", False),  # empty group, serial
    ("078-05-1120", False), ("123-45-6789", False),  # the advertising card, the textbook example
])
def test_us_ssn(text: str, valid: bool) -> None:
    assert us_ssn(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("Dear {name}", True),
    ("```\nDear {name}\n```", False),  # fenced
    ("use `Dear {name}` here", False),  # inline code
    ("```\ncode\n```\nDear {name}", True),  # after a closed fence
])
def test_outside_code(text: str, valid: bool) -> None:
    start = text.index("{name}")
    assert outside_code("{name}", text, start, start + 6) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("Tk9vQ2xL", True), ("AKIA4QX7ZL2MB6TNRW3Y", True),
    ("xxxxxxxx", False), ("ab-ab-ab", False), ("AKIAAAAAAAAAAAAAAAAA", False), ("****", False),
])
def test_not_repeated(text: str, valid: bool) -> None:
    assert not_repeated(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("Tq8v!mZ2rL4x", True), ("hunter2025", True), ("%^ZEIxp877Qkna", True),
    ("password", False), ("Password!", False), ("pass", False), ("changeme", False),
    ("<password>", False), ("${DB_PASS}", False), ("$PGPASSWORD", False), ("%(pw)s", False),
    ("%s", False), ("****", False), ("xxxxxx", False), ("your_password", False),
    ("postgres", False), ("guest", False), ("[PASSWORD]", False), ("{password}", False),
])
def test_not_placeholder(text: str, valid: bool) -> None:
    assert not_placeholder(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("maria.k@brightmail.de", True), ("bob@example-corp.com", True), ("a@mail.example.co.uk", True),
    ("jane@example.com", False), ("ops@mail.example.org", False), ("x@host.test", False),
    ("x@printer.local", False), ("a@b.example", False), ("git@github.com", False),
    ("logo@2x.png", False), ("your_email@gmail.com", False), ("user@domain.com", False),
    ("name@yourcompany.com", False),
])
def test_email_address(text: str, valid: bool) -> None:
    assert email_address(text, f"write to {text} now", 9, 9 + len(text)) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("postgres://app:s3cret@db.acme.io", False),  # the password and host of a URL
    ("https://ghp_abc@github.com", False),
    ("see https://acme.io, or mail ops@acme.io", True),  # a URL earlier in the text, not in the word
])
def test_email_address_inside_a_url(text: str, valid: bool) -> None:
    at = text.rindex("@")
    start = max(text.rfind(c, 0, at) for c in " :/") + 1
    found = text[start:]
    assert email_address(found, text, start, len(text)) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("+1 415 555 0123", True), ("(212) 555-7391", True), ("+4915123456789", True), ("07700 900461", True),
    ("+1 234", False),  # 4 digits
    ("+12 3456 7890 1234 5678", False),  # 18 digits: over E.164's 15
    ("+1234567", False),  # compact and under 10 digits
    ("111-111-1111", False), ("123-456-7890", False),  # one digit, a counting run
    ("1-800-555-0199", False), ("(888) 555-0142", False), ("+1 877 555 0100", False),  # toll-free
    ("1-801-555-0199", True), ("(880) 555-0142", True), ("+44 800 555 0100", True),  # not NANP toll-free
])
def test_phone_number(text: str, valid: bool) -> None:
    whole = f"call {text} now"
    assert phone_number(text, whole, 5, 5 + len(text)) is valid


def test_a_compact_number_opening_a_line_is_a_sum_not_a_phone() -> None:
    text = "472547338\n+9605867999\n---"
    start = text.index("+")
    assert phone_number("+9605867999", text, start, start + 11) is False
    assert phone_number("+9605867999", "call +9605867999", 5, 16) is True


@pytest.mark.parametrize(("text", "valid"), [
    ("4539 1488 0343 6467", True),
    ("4242 4242 4242 4242", False), ("4111-1111-1111-1111", False), ("378282246310005", False),
])
def test_not_test_card(text: str, valid: bool) -> None:
    assert not_test_card(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("JK 48 21 93 C", True), ("AB123456C", True),
    ("GB 12 34 56 A", False), ("ZZ123456A", False), ("TN123456B", False),  # never issued
    ("AB12345C", False),  # 8 characters
])
def test_uk_nino(text: str, valid: bool) -> None:
    assert uk_nino(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("943 476 5919", True), ("9434765919", True), ("401-023-2137", True),
    ("943 476 5918", False),  # check digit
    ("000 000 0000", False),  # one digit
    ("123 456 7890", False),  # check digit would be 10: never issued
    ("943 476 591", False),  # 9 digits
])
def test_nhs_number(text: str, valid: bool) -> None:
    assert nhs_number(text) is valid


@pytest.mark.parametrize(("line", "prose"), [
    ("Dear {name}, thanks for your order.", True),
    ("The chief's {name} is on the door.", True),  # an apostrophe after f is not an f-string
    ("Please let {name} know (soon)", True),  # a parenthesis, not a call
    ('print(f"Hello {name}")', False),
    ("greeting = 'Hello {name}'", False),
    ("msg = 'Hi {name}';", False),
    ("return template.format(name)  # {name}", False),
    ("const x = `${name}`", False),
    ("\\frac{ab}{cd}", False),
    ("{% for {name} in items %}", False),
])
def test_prose_line(line: str, prose: bool) -> None:
    text = f"intro\n{line}\noutro"
    start = text.index("{", text.index("\n"))
    end = text.index("}", start) + 1
    assert prose_line(text[start:end], text, start, end) is prose


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy("Xq9LmB7vTz2KpR4wNc8YhJ5dFs3GaE6u") > 4.5
