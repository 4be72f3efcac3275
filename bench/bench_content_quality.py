"""How often the built-in content rules (FT4xx) are wrong: false positives on clean text, misses
on planted secrets and personal data, and false positives on planted near-misses.

(a) Clean text. Every FT4 rule runs over realistic chat text that should be (almost) clean:
    the chat files in ../shared/corpora (OpenAI cookbook, LLaMA-Factory's alpaca/glaive/dpo/kto/
    v1 demos, the users' fine-tuning files in realworld/userfiles), and a file from
    bench/generate.py with --defect-rate 0 (bench/data/clean_*.jsonl, else generated into a
    temporary folder). Findings are reported per rule per 10,000 texts, with a sample of each
    rule's findings (secrets and PII masked as the rule shows them) so a human can judge true
    from false positives: real corpora do hold real e-mail addresses, and LLaMA-Factory's
    identity.json is *meant* to be full of {{name}} placeholders (it is counted on its own).
(b) Planted. Realistic sentences with a secret or a piece of personal data of every kind
    (random valid shapes: Luhn-valid card numbers, mod-97-valid IBANs, keys of the right
    alphabet and length) must be found by their rule: the miss rate per rule. Near-misses
    (invalid checksums, documentation example keys, dates, versions, prices, ISBNs, code) must
    not be found by any FT4 rule: their false-positive rate, by the rule that fired.

Uses the library (`ftprep.packs`): the same scanner the engine runs, without the rest of lint.

    python bench/bench_content_quality.py                 # table, plus samples of findings
    python bench/bench_content_quality.py --samples 0 --json out.json
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import random
import string
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from ftprep.model.diagnostics import Location
from ftprep.model.record import Record
from ftprep.packs.render import render_match
from ftprep.packs.scan import ContentScanner, Hit, Slot
from ftprep.registry import builtin_pack_rules

CORPORA = ROOT.parent / "shared" / "corpora"
BATCH = 2_000

# ------------------------------------------------------------------------------------------------
# Records: every corpus shape becomes {"messages": [...]} (plus tools where it had them).

_ROLE = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant",
         "system": "system", "function_call": "assistant", "observation": "tool", "tool": "tool"}


def _parts(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(p.get("value") or p.get("text") or "") for p in content if isinstance(p, dict))
    return ""


def _chat(messages: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for m in messages:
        role = _ROLE.get(str(m.get("role") or m.get("from")), "user")
        text = m.get("content") if "content" in m else m.get("value")
        out.append({"role": role, "content": _parts(text)})
    return {"messages": out}


def _from_value(value: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(value, dict):
        return
    if "instruction" in value:  # alpaca
        prompt = "\n\n".join(x for x in (value.get("instruction"), value.get("input")) if x)
        yield {"messages": [{"role": "user", "content": prompt},
                            {"role": "assistant", "content": str(value.get("output", ""))}]}
    elif "conversations" in value:  # sharegpt (+ chosen/rejected)
        record = _chat(value["conversations"])
        for key in ("chosen", "rejected"):
            if isinstance(value.get(key), dict):
                record["messages"].append(_chat([value[key]])["messages"][0])
        yield record
    elif isinstance(value.get("messages"), list):
        yield _chat(value["messages"])
    elif isinstance(value.get("text"), str):  # pre-training text
        yield {"messages": [{"role": "assistant", "content": value["text"]}]}


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        whole = orjson.loads(raw)
    except orjson.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        for value in whole:
            yield from _from_value(value)
        return
    for line in raw.splitlines():
        try:
            yield from _from_value(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue


def clean_sources(generated: Path | None) -> dict[str, list[Path]]:
    sources: dict[str, list[Path]] = {}
    if CORPORA.is_dir():
        sources["cookbook"] = sorted((CORPORA / "cookbook").glob("*.jsonl"))
        lf = CORPORA / "llamafactory"
        sources["llamafactory"] = [lf / n for n in (
            "alpaca_en_demo.json", "alpaca_zh_demo.json", "glaive_toolcall_en_demo.json",
            "dpo_en_demo.json", "kto_en_demo.json", "v1_sft_demo.jsonl", "v1_dpo_demo.jsonl",
            "reason_tool_use_demo_50.jsonl", "c4_demo.jsonl") if (lf / n).is_file()]
        sources["identity.json"] = [lf / "identity.json"] if (lf / "identity.json").is_file() else []
        sources["realworld users"] = sorted((CORPORA / "realworld" / "userfiles").glob("*.jsonl"))
    else:
        print(f"({CORPORA} is absent: corpora skipped)", file=sys.stderr)
    if generated is not None:
        sources["generated (defect-rate 0)"] = [generated]
    return {k: v for k, v in sources.items() if v}


def generated_file(workdir: Path) -> Path | None:
    found = sorted((HERE / "data").glob("clean_*.jsonl"))
    if found:
        return found[0]
    target = workdir / "clean_10k.jsonl"
    done = subprocess.run([sys.executable, str(HERE / "generate.py"), "--examples", "10000",
                           "-o", str(target), "--defect-rate", "0"], capture_output=True,
                          check=False)
    return target if done.returncode == 0 and target.is_file() else None


# ------------------------------------------------------------------------------------------------
# Scanning

def scanner() -> tuple[ContentScanner, list[str]]:
    rules = [r for r in builtin_pack_rules() if r.code.startswith("FT4")]
    return ContentScanner([Slot.of(r.pack) for r in rules]), sorted(r.code for r in rules)


def scan(sc: ContentScanner, records: list[dict[str, Any]]) -> tuple[list[Hit], int]:
    """Every hit (one per rule and text: the first), and the number of texts scanned."""
    hits: list[Hit] = []
    texts = 0
    for first in range(0, len(records), BATCH):
        batch = [Record(Location("bench", n + 1), b"", d) for n, d in enumerate(records[first : first + BATCH])]
        texts += sum(len(d["messages"]) for d in records[first : first + BATCH])
        seen = set()
        for hit in sc.hits(batch):
            key = (hit.record, id(hit.slot), hit.position)
            if key not in seen:
                seen.add(key)
                hits.append(hit._replace(record=hit.record + first))
    return hits, texts


def shown(hit: Hit, width: int = 60) -> str:
    """The finding in context, the match rendered as its rule shows it (masked for secrets)."""
    spec = hit.slot.rule.spec
    text = hit.text.text
    before = text[max(0, hit.start - width) : hit.start].replace("\n", "⏎")
    after = text[hit.end : hit.end + width].replace("\n", "⏎")
    return f"…{before}[{render_match(hit.found, spec.show)}]{after}…"


# ------------------------------------------------------------------------------------------------
# Planted secrets and PII: random valid shapes inside realistic sentences.

ALNUM = string.ascii_letters + string.digits
B32 = string.ascii_uppercase + "234567"
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def s(self, alphabet: str, n: int) -> str:
        return "".join(self.r.choices(alphabet, k=n))

    def digits(self, n: int) -> str:
        return self.s(string.digits, n)

    def luhn_card(self, prefix: str, length: int) -> str:
        body = prefix + self.digits(length - len(prefix) - 1)
        total = 0
        for i, c in enumerate(reversed(body)):
            v = int(c)
            if i % 2 == 0:
                v = v * 2 - 9 if v > 4 else v * 2
            total += v
        return body + str((10 - total % 10) % 10)

    def iban(self, country: str, bban: str) -> str:
        moved = bban + country + "00"
        check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
        return f"{country}{check:02d}{bban}"

    def b64url(self, obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


FIRST = ["maria", "james", "li", "fatima", "olga", "diego", "aisha", "tom", "yuki", "noah"]
LAST = ["kowalski", "smith", "wang", "haddad", "ivanova", "garcia", "okafor", "brown", "sato"]
DOMAINS = ["gmail.com", "outlook.com", "example-corp.com", "acme.io", "brightmail.de", "uni-hamburg.de",
           "company.co.uk", "yahoo.fr", "proton.me"]


def planted(g: Gen) -> dict[str, list[tuple[str, str]]]:
    """rule code -> [(role, text)] with one real secret or piece of PII each."""
    r = g.r
    name = lambda: f"{r.choice(FIRST)}.{r.choice(LAST)}"
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def add(code: str, text: str, role: str = "user") -> None:
        out[code].append((role, text))

    for _ in range(20):
        add("FT401", f"Here's my config: OPENAI_API_KEY=sk-proj-{g.s(URLSAFE, 48)}T3BlbkFJ{g.s(URLSAFE, 48)} — why does it 401?")
        add("FT401", f"client = OpenAI(api_key=\"sk-{g.s(ALNUM, 20)}T3BlbkFJ{g.s(ALNUM, 20)}\")")
        add("FT401", f"I used sk-svcacct-{g.s(URLSAFE, 64)} in the CI job.", "assistant")
        add("FT402", f"ANTHROPIC_API_KEY=sk-ant-api03-{g.s(URLSAFE, 93)}AA")
        add("FT402", f"Maps key: AIza{g.s(URLSAFE, 35)} (restricted to our domain)")
        add("FT402", f"huggingface-cli login --token hf_{g.s(string.ascii_letters, 34)}")
        add("FT402", f"export GROQ_API_KEY=gsk_{g.s(ALNUM, 52)}")
        add("FT402", f"REPLICATE_API_TOKEN=r8_{g.s(ALNUM, 37)} python predict.py")
        add("FT402", f"xai key xai-{g.s(ALNUM, 80)} works for grok")
        add("FT402", f"pplx-{g.s(ALNUM, 48)} is my perplexity key")
        add("FT402", f"OPENROUTER_API_KEY=sk-or-v1-{g.s(HEX, 64)}")
        add("FT403", f"aws configure set aws_access_key_id AKIA{g.s(B32, 16)}")
        add("FT403", f"temporary creds ASIA{g.s(B32, 16)} expire in an hour")
        add("FT403", f"aws_secret_access_key = {g.s(ALNUM + '/+', 40)}")
        add("FT403", "AccountName=prod;AccountKey=" + base64.b64encode(r.randbytes(64)).decode() + ";EndpointSuffix=core.windows.net")
        add("FT403", f'{{"type": "service_account", "project_id": "acme", "private_key_id": "{g.s(HEX, 40)}"}}')
        add("FT403", f"client_secret: GOCSPX-{g.s(URLSAFE, 28)}")
        add("FT404", f"git clone https://ghp_{g.s(ALNUM, 36)}@github.com/acme/private.git")
        add("FT404", f"GH_TOKEN=github_pat_{g.s(ALNUM, 22)}_{g.s(ALNUM, 59)}")
        add("FT404", f"token gho_{g.s(ALNUM, 36)} from the OAuth app", "assistant")
        add("FT404", f"CI_JOB_TOKEN? no, I pasted glpat-{g.s(URLSAFE, 20)} by mistake")
        add("FT404", f"bitbucket app password ATBB{g.s(ALNUM, 32)}")
        add("FT405", f"SLACK_BOT_TOKEN=xoxb-{g.digits(12)}-{g.digits(13)}-{g.s(ALNUM, 24)}")
        add("FT405", f"webhook: https://hooks.slack.com/services/T{g.s(B32, 8)}/B{g.s(B32, 10)}/{g.s(ALNUM, 24)}")
        add("FT405", f"https://discord.com/api/webhooks/{g.digits(19)}/{g.s(URLSAFE, 68)}")
        add("FT405", f"bot.run('{r.choice('MNO')}{g.s(ALNUM, 25)}.{g.s(URLSAFE, 6)}.{g.s(URLSAFE, 38)}')")
        add("FT405", f"TELEGRAM_TOKEN={g.digits(10)}:AA{g.s(URLSAFE, 33)}")
        add("FT406", f"stripe.api_key = 'sk_live_{g.s(ALNUM, 99)}'")
        add("FT406", f"SENDGRID_API_KEY=SG.{g.s(URLSAFE, 22)}.{g.s(URLSAFE, 43)}")
        add("FT406", f"Twilio key SK{g.s(HEX, 32)} and secret in .env")
        add("FT406", f"//registry.npmjs.org/:_authToken=npm_{g.s(ALNUM, 36)}")
        add("FT406", f"password = pypi-AgEIcHlwaS5vcmc{g.s(URLSAFE, 120)}")
        add("FT406", f"MAILGUN_API_KEY=key-{g.s(HEX, 32)}")
        add("FT406", f"X-Shopify-Access-Token: shpat_{g.s(HEX, 32)}")
        add("FT406", f"DIGITALOCEAN_TOKEN=dop_v1_{g.s(HEX, 64)}")
        body = "\n".join(base64.b64encode(r.randbytes(48)).decode() for _ in range(r.randint(5, 25)))
        kind = r.choice(["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED "])
        add("FT407", f"my deploy key:\n-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----\nwhy is ssh refusing it?")
        add("FT407", f"\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{body[:300].replace(chr(10), '')}\\n-----END PRIVATE KEY-----\\n\"")
        jwt = (g.b64url({"alg": "HS256", "typ": "JWT"}) + "." + g.b64url({"sub": g.digits(6), "email": name() + "@acme.io",
               "exp": r.randint(1_700_000_000, 1_800_000_000)}) + "." + g.s(URLSAFE, 43))
        add("FT408", f"curl -H 'Authorization: Bearer {jwt}' https://api.acme.io/v1/me")
        pw = g.s(ALNUM + "!#%^*", r.randint(8, 20))
        scheme = r.choice(["postgresql", "postgres", "mysql", "mongodb+srv", "redis", "amqp", "mssql"])
        add("FT409", f"DATABASE_URL={scheme}://{r.choice(LAST)}:{pw}@db-{g.digits(2)}.internal.acme.io:5432/app")
        add("FT420", f"Please email {name()}@{r.choice(DOMAINS)} about the refund.")
        add("FT420", f"Contact: {r.choice(FIRST)}{g.digits(2)}@{r.choice(DOMAINS)}", "assistant")
        add("FT421", f"You can reach me at +1 415 555 01{r.randint(10, 99)}.")
        add("FT421", f"Our London office: +44 20 7946 {g.digits(4)}")
        add("FT421", f"Call ({r.randint(201, 989)}) {r.randint(200, 999)}-{g.digits(4)} after 5pm.")
        add("FT421", f"My cell is {r.randint(201, 989)}-{r.randint(200, 999)}-{g.digits(4)}.")
        add("FT421", f"Ruf mich an: +49 30 {g.digits(7)}")
        add("FT421", f"call me on 07700 {g.digits(6)} tomorrow")
        add("FT421", f"Téléphone : +33 6 {g.digits(2)} {g.digits(2)} {g.digits(2)} {g.digits(2)}")
        card = r.choice([g.luhn_card("4", 16), g.luhn_card(r.choice(["51", "52", "55"]), 16),
                         g.luhn_card(r.choice(["2221", "2720"]), 16), g.luhn_card("6011", 16)])
        sep = r.choice([" ", "-", ""])
        add("FT422", f"My card number is {sep.join(card[i:i + 4] for i in range(0, 16, 4))}, exp 04/27.")
        amex = g.luhn_card(r.choice(["34", "37"]), 15)
        add("FT422", f"Amex {amex[:4]} {amex[4:10]} {amex[10:]} was declined")
        iban = r.choice([g.iban("DE", g.digits(18)), g.iban("FR", g.digits(23)), g.iban("GB", "NWBK" + g.digits(14)),
                         g.iban("NL", "ABNA" + g.digits(10)), g.iban("ES", g.digits(20))])
        spaced = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        add("FT423", f"Bank transfer to {r.choice([iban, spaced])} please, reference INV-{g.digits(5)}.")
        area = r.choice([n for n in range(1, 900) if n != 666])
        add("FT424", f"SSN: {area:03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}")
        nino = r.choice("ABCEHJKLMPRSTWXYZ") + r.choice("ABCEHJKLMPRSTWXYZ") + g.digits(6) + r.choice("ABCD")
        add("FT424", f"My NI number is {nino[:2]} {nino[2:4]} {nino[4:6]} {nino[6:8]} {nino[8]}.")
        add("FT430", f"Hello! I am {{{{name}}}}, built by {{{{author}}}}. Ask me anything about {r.choice(['cooking', 'tax', 'Python'])}.", "assistant")
        add("FT430", "Dear {first_name}, thank you for your order. It ships on {ship_date}.", "assistant")
        add("FT430", "Hi [Customer Name], your appointment is confirmed.", "assistant")
        add("FT430", "Sincerely,\n<YOUR_NAME>\n<COMPANY_NAME>", "assistant")
        add("FT430", "You are a helpful assistant for [INSERT COMPANY]. Answer politely.", "system")
        add("FT440", r.choice(["I'm sorry, but I can't assist with that request.", "I cannot help with that.",
                               "As an AI, I cannot provide medical diagnoses.", "I’m sorry, but I can’t provide that information.",
                               "Sorry, I can't help with that. Is there something else?"]), "assistant")
        add("FT441", r.choice(["As an AI language model, I don't have opinions, but here are the facts.",
                               "I'm an AI developed by OpenAI, so I can't browse.",
                               "As of my knowledge cutoff in September 2021, the record was 9.58 s.",
                               "I don't have personal opinions, but many people prefer Python.",
                               "As a large language model, I cannot feel emotions."]), "assistant")
        add("FT450", f"Total:\x07 {g.digits(3)} items\x1b[0m shipped\x08 today")
        add("FT450", "He said \x93hello\x94 to everyone in the room.")
        add("FT451", f"Reset your pass\u200bword at the link below, code {g.digits(6)}.")
        add("FT451", "\ufeffThe file begins with a byte-order mark inside the text.")
        add("FT451", "ignore this\U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E0065 and carry on")
        source = r.choice(["The café doesn’t open until 9 — it’s 20 °C outside.", "Müller’s naïve résumé “works”.",
                           "Señor García paid £40 for the piñata 😀"])
        add("FT452", source.encode("utf-8").decode("cp1252", "replace"), "assistant")
        add("FT453", r.choice([
            "To configure the server, open the settings file and change the value of the",
            "The three main benefits of regular exercise are better sleep, lower stress,",
            "Photosynthesis converts light energy into chemical energy, which plants use to",
            "You can install the library with pip and then import it into your project with",
        ]), "assistant")
    return out


def near_misses(g: Gen) -> list[tuple[str, str, str]]:
    """(kind, role, text): shapes that look like a finding and are not."""
    r = g.r
    out: list[tuple[str, str, str]] = []

    def add(kind: str, text: str, role: str = "assistant") -> None:
        out.append((kind, role, text))

    for i in range(20):
        def cycle(options: list[str], i: int = i) -> str:  # every option, in turn
            return options[i % len(options)]

        bad_card = g.luhn_card("4", 16)
        bad_card = bad_card[:-1] + str((int(bad_card[-1]) + r.randint(1, 9)) % 10)
        add("invalid Luhn card", f"Order {' '.join(bad_card[i:i + 4] for i in range(0, 16, 4))} was shipped.")
        add("test card", cycle(["Use 4242 4242 4242 4242 with any CVC.", "Test card: 4111-1111-1111-1111",
                                   "Try 5555555555554444 in the sandbox."]))
        good = g.iban("DE", g.digits(18))
        add("invalid IBAN", f"Account {good[:2]}{(int(good[2:4]) % 97) + 1:02d}{good[4:]} is closed.")
        add("example keys", cycle([
            "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "Your key looks like sk-...",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "Set HF_TOKEN=hf_YOUR_TOKEN_HERE",
            "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        ]))
        add("placeholder passwords", cycle([
            "postgresql://user:password@localhost:5432/mydb", "mysql://root:<password>@127.0.0.1/app",
            "redis://:${REDIS_PASSWORD}@cache:6379/0", "amqp://guest:guest@localhost:5672//",
            "mongodb://admin:****@mongo:27017", "postgres://postgres:postgres@db/test",
        ]))
        add("hashes and ids", cycle([
            f"commit {g.s(HEX, 40)} fixed it", f"sha256:{g.s(HEX, 64)}",
            f"request id {g.s(HEX, 8)}-{g.s(HEX, 4)}-{g.s(HEX, 4)}-{g.s(HEX, 4)}-{g.s(HEX, 12)}",
            f"data:image/png;base64,{base64.b64encode(r.randbytes(60)).decode()}",
            "The hf_hub_download helper and gsk_utils module", f"Video id {g.s(URLSAFE, 11)} on YouTube",
        ]))
        add("dates and times", cycle([
            f"On 2024-0{r.randint(1, 9)}-{r.randint(10, 28)} at 10:{r.randint(10, 59)} UTC",
            "between 03/15/2024 and 04/01/2024", f"timestamp {r.randint(1_600_000_000_000, 1_800_000_000_000)}",
            f"{r.randint(1990, 2030)}-{r.randint(1990, 2030)} season",
        ]))
        add("versions and numbers", cycle([
            f"Upgrade from {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)} to {r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 30)}",
            f"ISBN 978-{r.randint(0, 1)}-{g.digits(3)}-{g.digits(5)}-{r.randint(0, 9)}",
            f"price ${r.randint(1, 99)},{g.digits(3)}.{g.digits(2)} incl. VAT", f"IP 192.168.{r.randint(0, 255)}.{r.randint(0, 255)}",
            f"population 1,{g.digits(3)},{g.digits(3)} in {r.randint(1900, 2020)}",
            f"{r.randint(100, 999)} + {r.randint(100, 999)} = {r.randint(1000, 1999)}",
            f"order #{g.digits(8)} and tracking {g.digits(12)}", f"zip {g.digits(5)}-{g.digits(4)}",
            f"Part no. {g.digits(3)}-{g.digits(2)}-{g.digits(4)}X",
            f"SSN format 000-{g.digits(2)}-{g.digits(4)} is never issued", "e.g. 123-45-6789",
        ]))
        add("example addresses", cycle([
            "Write to jane.doe@example.com", "support@example.org handles it", "user@test.test",
            "logo@2x.png and icon@3x.webp", "git@github.com:acme/app.git", "npm i react@18.2.0 @types/node@20.1.0",
        ]))
        add("code and math", cycle([
            'print(f"Hello {name}, you are {age}")', "const msg = `Hi ${user.name}`;",
            "The fraction \\frac{a}{b} and set {1, 2, 3}", '{"name": "Ada", "age": 36}',
            "```python\ntemplate = 'Dear {name}'\n```", "Use `{{ variable }}` in Jinja templates.",
            "See [Company Name](https://acme.io) for details.", "items[index] = value",
            "Use the {} placeholder with str.format.", "x_{i} + y^{2}",
        ]))
        add("benign phrases", cycle([
            "I can't help but notice the typo on line 3.", "I'm sorry to hear about your loss.",
            "As an AI researcher, she studies alignment.", "GPT-4 was developed by OpenAI in 2023.",
            "The function returns the sum of a and b.", "I am Aria, an assistant built by Acme Labs.",
        ]))
        add("unicode text", cycle([
            "Family emoji 👨\u200d👩\u200d👧 and flag 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F",
            "Hindi क्\u200dष and Persian می\u200cخواهم", "SÃO PAULO, NÃO, Âge d'or", "Arabic \u200fمرحبا\u200f text",
            "Price: 20 €, 15 £, 30 °C — “quoted” ‘text’…",
        ]))
        add("complete answers", cycle([
            "To install the package, open a terminal and run pip install requests.",
            "Steps:\n1. Open the app\n2. Sign in\n3. Tap Settings",
            "def add(a, b):\n    return a + b", "The answer is 42", "Here is the list:\n- apples\n- pears",
            "Capital cities: Paris, Berlin and Madrid are in Europe.",
        ]))
    return out


def chat(role: str, text: str) -> dict[str, Any]:
    if role == "assistant":
        return {"messages": [{"role": "user", "content": "Can you help?"}, {"role": "assistant", "content": text}]}
    if role == "system":
        return {"messages": [{"role": "system", "content": text}, {"role": "user", "content": "Hi"},
                             {"role": "assistant", "content": "Hello, how can I help?"}]}
    return {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "Thanks, noted."}]}


# ------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=6, help="findings shown per rule and source")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    sc, codes = scanner()
    results: dict[str, Any] = {"clean": {}, "planted": {}, "near_miss": {}}

    with tempfile.TemporaryDirectory() as tmp:
        sources = clean_sources(generated_file(Path(tmp)))
        print("(a) findings per 10k texts on clean text")
        header = f"{'rule':7}" + "".join(f"{name[:14]:>16}" for name in sources)
        print(header)
        per_source: dict[str, Counter[str]] = {}
        samples: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        texts_by_source: dict[str, int] = {}
        for name, paths in sources.items():
            records = [rec for p in paths for rec in read_records(p)]
            hits, texts = scan(sc, records)
            texts_by_source[name] = texts
            per_source[name] = Counter(h.slot.rule.spec.code for h in hits)
            for hit in hits:
                bucket = samples[hit.slot.rule.spec.code][name]
                if len(bucket) < args.samples:
                    bucket.append(shown(hit))
        for code in codes:
            row = f"{code:7}"
            for name in sources:
                rate = per_source[name][code] * 10_000 / max(1, texts_by_source[name])
                row += f"{per_source[name][code]:>7} {rate:>7.1f}/10k"[-16:].rjust(16)
            print(row)
        print(f"{'texts':7}" + "".join(f"{texts_by_source[n]:>16,}" for n in sources))
        results["clean"] = {n: {"texts": texts_by_source[n], "findings": dict(per_source[n])} for n in sources}
        if args.samples:
            print("\nsamples of clean-text findings (judge each: true or false positive)")
            for code in codes:
                for name, shown_hits in samples.get(code, {}).items():
                    for line in shown_hits:
                        print(f"  {code} [{name}] {line}")

    g = Gen(args.seed)
    plants = planted(g)
    print("\n(b) planted secrets and PII: misses per rule")
    print(f"{'rule':7}{'planted':>9}{'missed':>8}{'miss %':>8}   other FT4 rules that also fired")
    for code in codes:
        items = plants.get(code, [])
        if not items:
            continue
        records = [chat(role, text) for role, text in items]
        hits, _ = scan(sc, records)
        found = {h.record for h in hits if h.slot.rule.spec.code == code}
        others = Counter(h.slot.rule.spec.code for h in hits if h.slot.rule.spec.code != code)
        missed = [items[i][1] for i in range(len(items)) if i not in found]
        results["planted"][code] = {"planted": len(items), "missed": len(missed)}
        print(f"{code:7}{len(items):>9}{len(missed):>8}{100 * len(missed) / len(items):>7.1f}%   "
              + ", ".join(f"{c}×{n}" for c, n in sorted(others.items())))
        for text in missed[:3]:
            print(f"         missed: {text[:110]!r}")

    near = near_misses(g)
    print("\n(b') near-misses: any FT4 finding is a false positive")
    kinds = Counter(kind for kind, _r, _t in near)
    records = [chat(role, text) for _k, role, text in near]
    hits, _ = scan(sc, records)
    fired: dict[str, Counter[str]] = defaultdict(Counter)
    flagged: dict[str, set[int]] = defaultdict(set)
    examples: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        if hit.text.role == near[hit.record][1]:  # the planted text, not the filler turn
            kind = near[hit.record][0]
            fired[kind][hit.slot.rule.spec.code] += 1
            flagged[kind].add(hit.record)
            if len(examples[kind]) < 3:
                examples[kind].append(f"{hit.slot.rule.spec.code} {shown(hit, 40)}")
    print(f"{'near-miss kind':24}{'texts':>6}{'FP':>5}{'FP %':>7}   rules that fired")
    total_fp = 0
    for kind, n in kinds.items():
        fp = len(flagged[kind])
        total_fp += fp
        results["near_miss"][kind] = {"texts": n, "false_positives": fp}
        print(f"{kind:24}{n:>6}{fp:>5}{100 * fp / n:>6.1f}%   " + ", ".join(f"{c}×{k}" for c, k in sorted(fired[kind].items())))
        for line in examples[kind]:
            print(f"         {line}")
    print(f"{'all near-misses':24}{len(near):>6}{total_fp:>5}{100 * total_fp / len(near):>6.1f}%")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
