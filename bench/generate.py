"""Generate realistic chat fine-tuning JSONL, with defects injected at a small known rate.

The output looks like what people actually upload: OpenAI-style chat examples of 1-8 turns, a
handful of system prompts, tool definitions with calls (JSON-string arguments) and results,
names, weights, long-tailed lengths, some non-English text, and about 1.5 % broken lines of the
kinds ftprep exists to catch. Text is real prose taken sentence by sentence from the corpora in
../shared/corpora (C4, Alpaca en/zh, Glaive tool calls) when present, else from a built-in
word list, so tokenizers see realistic input.

Deterministic: the same --seed and --examples give byte-identical files, whatever the number of
worker processes (each chunk of examples has its own seeded generator). Alongside FILE it writes
FILE.manifest.json: the injected defects by kind, with their 1-based line numbers.

    python bench/generate.py --examples 100000            # -> bench/data/chat_100k.jsonl
    python bench/generate.py --examples 10000 -o x.jsonl --defect-rate 0
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
DEFAULT_CORPORA = HERE.parent.parent / "shared" / "corpora"
CHUNK = 5_000
TOO_LONG_BYTES = (360_000, 480_000)  # English prose: ~73k-98k o200k tokens, over a 65,536 limit

# ------------------------------------------------------------------------------------------------
# Vocabulary: real sentences when the corpora are here, a word list otherwise.

SYSTEM_PROMPTS = [
    "You are a helpful assistant.",
    ("You are a friendly customer support agent for Northwind Outfitters. Answer politely, keep "
     "answers short, and never promise refunds without an order number."),
    ("You are an expert Python tutor. Explain concepts step by step, show small runnable examples, "
     "and point out common mistakes."),
    ("You are a medical information assistant. You give general information only and always "
     "recommend consulting a qualified professional for diagnosis or treatment."),
    "Tu es un assistant qui répond en français, de manière concise et précise.",
    ("You are a concise assistant. Answer in at most three sentences unless the user asks for more "
     "detail. Use Markdown lists when listing items."),
    ("You are a data analyst. When given numbers, compute carefully and show your reasoning "
     "before the final answer."),
]
TOOL_SYSTEM_PROMPT = (
    "You are a helpful assistant with access to functions. Use them when they help answer the "
    "user's request; otherwise answer directly."
)
NAMES = ["alice", "bob_k", "customer_1042", "maria.g", "dev_ops", "support_agent", "li_wei", "sam"]
OTHER_LANGUAGE = [
    "¿Podrías explicarme cómo funciona la fotosíntesis en las plantas de interior?",
    "La reunión se ha trasladado al jueves por la mañana, a las diez en punto.",
    "El envío tardará entre tres y cinco días hábiles en llegar a su dirección.",
    "Können Sie mir bitte erklären, wie ich mein Passwort zurücksetzen kann?",
    "Die Lieferung verzögert sich leider um zwei Tage wegen des Wetters.",
    "Für größere Bestellungen gewähren wir einen Rabatt von zehn Prozent.",
    "Pourriez-vous résumer les points clés de ce rapport trimestriel ?",
    "Le musée est fermé le lundi, mais ouvert tous les autres jours de 9 h à 18 h.",
    "Merci beaucoup pour votre réponse rapide et détaillée, c'était très utile.",
    "Вы не могли бы объяснить разницу между списком и кортежем в Python?",
    "Спасибо, теперь всё понятно. Я попробую запустить этот код ещё раз.",
    "Погода в Москве сегодня облачная, возможен небольшой снег.",
    "東京で一番おすすめのラーメン屋さんを教えてください。",
    "この関数はリストを受け取り、重複を取り除いた新しいリストを返します。",
    "明日の会議は午後三時から始まります。資料を準備しておいてください。",
    "이 문장을 영어로 번역해 주실 수 있나요?",
    "주문하신 상품은 내일 오후에 도착할 예정입니다.",
    "هل يمكنك مساعدتي في كتابة رسالة بريد إلكتروني رسمية؟",
    "سيتم شحن طلبك خلال يومين من أيام العمل.",
    "क्या आप मुझे बता सकते हैं कि यह एल्गोरिदम कैसे काम करता है?",
    "Posso pagare con carta di credito o solo con bonifico bancario?",
    "O relatório precisa ser entregue até sexta-feira, sem falta.",
    "Czy możesz mi pomóc napisać krótkie podsumowanie tego artykułu?",
    "Bu ürünün garantisi iki yıl geçerlidir ve faturanızla birlikte gelir.",
    "Great job! 🎉 The build passed on the first try 🚀 — let's ship it ✅",
    "Temperature: 23 °C, humidity 45 %, wind 12 km/h from the north‑east.",
]
CODE_SNIPPETS = [
    ("```python\ndef dedupe(items):\n    seen = set()\n    out = []\n    for item in items:\n"
     "        if item not in seen:\n            seen.add(item)\n            out.append(item)\n"
     "    return out\n```"),
    ("```sql\nSELECT customer_id, COUNT(*) AS orders\nFROM orders\nWHERE created_at >= '2024-01-01'\n"
     "GROUP BY customer_id\nORDER BY orders DESC\nLIMIT 10;\n```"),
    "```bash\npython -m venv .venv && source .venv/bin/activate\npip install -r requirements.txt\n```",
    ("```javascript\nconst total = cart.items.reduce((sum, item) => sum + item.price * item.qty, 0);\n"
     "console.log(`Total: ${total.toFixed(2)}`);\n```"),
    "```json\n{\"status\": \"ok\", \"items\": [1, 2, 3], \"next\": null}\n```",
]
FALLBACK_TEXT = (
    "the of and to in is that for it as with was on be by this are from or have an they which "
    "one you were all we can her has there been if more when will would who so no data model "
    "training example customer order system question answer team product service user account "
    "report result value number process file error update support time year people way day "
    "work part problem information company group case point program government fact week "
    "important different large small new good first last long great little own other old right "
    "big high public early young few able simple clear quick recent final main local possible "
    "explain describe check send review compare improve create remove change help need want "
    "find give make take know think see come look use provide include continue set learn"
)
FALLBACK_TOOLS: list[dict[str, Any]] = [
    {
        "tools": [{"name": "get_weather", "description": "Get the current weather for a city",
                   "parameters": {"type": "object", "properties": {
                       "city": {"type": "string", "description": "City name"},
                       "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                       "required": ["city"]}}],
        "user": "What's the weather like in Lisbon right now?",
        "name": "get_weather", "arguments": {"city": "Lisbon", "unit": "celsius"},
        "result": '{"temperature": 21, "condition": "sunny", "humidity": 40}',
        "reply": "It is currently 21 °C and sunny in Lisbon, with 40 % humidity.",
    },
    {
        "tools": [{"name": "create_ticket", "description": "Open a support ticket",
                   "parameters": {"type": "object", "properties": {
                       "subject": {"type": "string"}, "priority": {"type": "string",
                                                                   "enum": ["low", "high"]}},
                       "required": ["subject"]}}],
        "user": "My invoice shows the wrong address, can you open a ticket?",
        "name": "create_ticket", "arguments": {"subject": "Wrong address on invoice",
                                                "priority": "low"},
        "result": '{"ticket_id": "T-4821", "status": "open"}',
        "reply": "I opened ticket T-4821 for you; our billing team will correct the address.",
    },
]


@dataclass
class Vocabulary:
    """Sentence pools and tool scenarios the generator samples from."""

    english: list[str]
    chinese: list[str]
    other: list[str]
    prompts: list[str]
    tools: list[dict[str, Any]]
    source: str
    english_mean: float = field(init=False)
    chinese_mean: float = field(init=False)
    other_mean: float = field(init=False)

    def __post_init__(self) -> None:
        self.english_mean = _mean_bytes(self.english)
        self.chinese_mean = _mean_bytes(self.chinese)
        self.other_mean = _mean_bytes(self.other)


def _mean_bytes(texts: list[str]) -> float:
    return sum(len(t.encode()) for t in texts) / max(1, len(texts))


_EN_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_ZH_SPLIT = re.compile(r"(?<=[。！？])")


def _english_sentences(text: str) -> list[str]:
    out = []
    for block in text.split("\n"):
        for sentence in _EN_SPLIT.split(block.strip()):
            sentence = sentence.strip()
            if 25 <= len(sentence) <= 320 and sentence.isprintable():
                out.append(sentence)
    return out


def load_vocabulary(corpora: Path | None) -> Vocabulary:
    """Real sentences from the shared corpora, or a word-list fallback when they are absent."""
    base = corpora / "llamafactory" if corpora else None
    if base is None or not (base / "c4_demo.jsonl").is_file():
        return _fallback_vocabulary()
    english: list[str] = []
    for line in (base / "c4_demo.jsonl").read_text(encoding="utf-8").splitlines():
        english += _english_sentences(json.loads(line)["text"])
    prompts: list[str] = []
    for row in json.loads((base / "alpaca_en_demo.json").read_text(encoding="utf-8")):
        english += _english_sentences(row["output"])
        prompt = row["instruction"] + (f"\n\n{row['input']}" if row["input"] else "")
        prompts.append(prompt.strip())
    chinese: list[str] = []
    for row in json.loads((base / "alpaca_zh_demo.json").read_text(encoding="utf-8")):
        chinese += [s.strip() for s in _ZH_SPLIT.split(row["output"]) if 8 <= len(s.strip()) <= 160]
    tools = _glaive_scenarios(base / "glaive_toolcall_en_demo.json")
    for scenario in tools:
        prompts.append(scenario["user"])
    return Vocabulary(
        english=english, chinese=chinese or list(OTHER_LANGUAGE), other=list(OTHER_LANGUAGE),
        prompts=prompts, tools=tools or FALLBACK_TOOLS, source=str(base),
    )


def _glaive_scenarios(path: Path) -> list[dict[str, Any]]:
    """(tools, user turn, call, result, reply) tuples from Glaive's function-calling demo."""
    if not path.is_file():
        return []
    scenarios = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        turns = row["conversations"]
        try:
            declared = json.loads(row["tools"])
        except (TypeError, ValueError):
            continue
        for i, turn in enumerate(turns):
            if turn["from"] != "function_call" or i == 0 or i + 2 >= len(turns):
                continue
            try:
                call = json.loads(turn["value"])
            except ValueError:
                continue
            if turns[i + 1]["from"] != "observation" or not isinstance(call.get("arguments"), dict):
                continue
            scenarios.append({
                "tools": declared, "user": turns[i - 1]["value"], "name": call["name"],
                "arguments": call["arguments"], "result": turns[i + 1]["value"],
                "reply": turns[i + 2]["value"],
            })
    return scenarios


def _fallback_vocabulary() -> Vocabulary:
    rng = random.Random(12345)
    english = []
    for _ in range(4_000):
        words = rng.choices(FALLBACK_TEXT.split(), k=rng.randint(6, 24))
        english.append(" ".join(words).capitalize() + rng.choice(".!?."))
    prompts = [s.rstrip(".!") + "?" for s in english[:800]]
    return Vocabulary(
        english=english, chinese=list(OTHER_LANGUAGE[12:15]), other=list(OTHER_LANGUAGE),
        prompts=prompts, tools=FALLBACK_TOOLS, source="built-in word list",
    )


# ------------------------------------------------------------------------------------------------
# Examples

TURN_WEIGHTS = [40, 20, 13, 9, 7, 5, 3, 3]  # 1..8 user/assistant turns


class Writer:
    """Builds one chunk of examples: clean ones, and now and then a defect."""

    def __init__(self, vocab: Vocabulary, rng: random.Random, compact: bool,
                 defect_rate: float) -> None:
        self.v = vocab
        self.rng = rng
        self.defect_rate = defect_rate
        self.dumps: Callable[[Any], bytes] = (
            orjson.dumps if compact else
            (lambda value: json.dumps(value, ensure_ascii=False).encode())
        )
        self.lines: list[bytes] = []
        self.defects: dict[str, list[int]] = {}
        self.previous: bytes = b""

    # -- text --------------------------------------------------------------------------------

    def prose(self, budget: float, language: str) -> str:
        rng = self.rng
        if language == "zh":
            k = max(1, round(budget / self.v.chinese_mean))
            return "".join(rng.choices(self.v.chinese, k=k))
        if language == "other":
            k = max(1, round(budget / self.v.other_mean))
            return " ".join(rng.choices(self.v.other, k=k))
        k = max(1, round(budget / self.v.english_mean))
        sentences = rng.choices(self.v.english, k=k)
        if k >= 4 and rng.random() < 0.3:
            cut = rng.randint(1, k - 1)
            return " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        return " ".join(sentences)

    def answer(self, budget: float, language: str) -> str:
        roll = self.rng.random()
        if language == "en" and budget > 300 and roll < 0.15:
            k = max(2, round(budget / self.v.english_mean))
            items = self.rng.choices(self.v.english, k=k)
            lead = self.rng.choice(["Here are the main points:", "Sure! In short:", "Steps:"])
            return lead + "\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(items, 1))
        if language == "en" and budget > 400 and roll < 0.2:
            snippet = self.rng.choice(CODE_SNIPPETS)
            return self.prose(budget - len(snippet), language) + "\n\n" + snippet
        return self.prose(budget, language)

    def question(self, budget: float, language: str) -> str:
        if language != "en":
            return self.prose(budget, language)
        prompt = self.rng.choice(self.v.prompts)
        rest = budget - len(prompt)
        if rest > 150:
            return prompt + "\n\n" + self.prose(rest, "en")
        return prompt

    # -- examples ----------------------------------------------------------------------------

    def size(self) -> float:
        """Bytes of message text: log-normal around ~470 B (median), and 0.3 % long ones (8-60 kB)."""
        rng = self.rng
        if rng.random() < 0.003:
            return rng.uniform(8_000, 60_000)
        return min(40_000.0, max(60.0, rng.lognormvariate(math.log(470), 0.7)))

    def language(self) -> tuple[str, str]:
        """(user language, assistant language): mostly English, some Chinese, some mixed."""
        roll = self.rng.random()
        if roll < 0.88:
            return "en", "en"
        if roll < 0.95:
            return "zh", "zh"
        return "other", ("other" if roll < 0.98 else "en")

    def chat(self, budget: float | None = None, turns: int | None = None) -> dict[str, Any]:
        rng = self.rng
        budget = budget if budget is not None else self.size()
        turns = turns or rng.choices(range(1, 9), TURN_WEIGHTS)[0]
        turns = max(1, min(turns, int(budget // 80) or 1))
        user_lang, bot_lang = self.language()
        messages: list[dict[str, Any]] = []
        if rng.random() < 0.7:
            messages.append({"role": "system", "content": rng.choice(SYSTEM_PROMPTS)})
        share = budget / turns
        named = rng.random() < 0.03
        weighted = turns > 1 and rng.random() < 0.05
        for turn in range(turns):
            user: dict[str, Any] = {"role": "user", "content": self.question(share * 0.3, user_lang)}
            if named:
                user["name"] = rng.choice(NAMES)
            messages.append(user)
            bot: dict[str, Any] = {"role": "assistant", "content": self.answer(share * 0.7, bot_lang)}
            if weighted:
                bot["weight"] = 1 if turn == turns - 1 or rng.random() < 0.5 else 0
            messages.append(bot)
        return {"messages": messages}

    def tool_chat(self, encode: Callable[[dict[str, Any]], str] | None = None) -> dict[str, Any]:
        rng = self.rng
        scenario = rng.choice(self.v.tools)
        encode = encode or (lambda arguments: json.dumps(arguments, ensure_ascii=False))
        messages: list[dict[str, Any]] = [{"role": "system", "content": TOOL_SYSTEM_PROMPT}]
        for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            messages.append({"role": "user", "content": self.question(120, "en")})
            messages.append({"role": "assistant", "content": self.answer(rng.uniform(100, 600), "en")})
        call_id = f"call_{rng.getrandbits(96):024x}"
        messages.append({"role": "user", "content": scenario["user"]})
        messages.append({"role": "assistant", "tool_calls": [{
            "id": call_id, "type": "function",
            "function": {"name": scenario["name"], "arguments": encode(scenario["arguments"])},
        }]})
        messages.append({"role": "tool", "tool_call_id": call_id, "content": scenario["result"]})
        messages.append({"role": "assistant", "content": scenario["reply"]})
        tools = [{"type": "function", "function": declared} for declared in scenario["tools"]]
        return {"messages": messages, "tools": tools}

    def clean(self) -> dict[str, Any]:
        return self.tool_chat() if self.rng.random() < 0.12 else self.chat()

    # -- output ------------------------------------------------------------------------------

    def emit(self, line: bytes, defect: str | None = None) -> None:
        self.lines.append(line)
        if defect:
            self.defects.setdefault(defect, []).append(len(self.lines))

    def add(self) -> None:
        if self.rng.random() < self.defect_rate:
            kind = self.rng.choices(DEFECT_KINDS, DEFECT_WEIGHTS)[0]
            DEFECTS[kind][1](self, kind)
        else:
            line = self.dumps(self.clean())
            self.emit(line)
            self.previous = line


# ------------------------------------------------------------------------------------------------
# Defects: each emits one or more lines and records where the defect is.

def _missing_assistant(w: Writer, kind: str) -> None:
    example = w.chat()
    example["messages"] = [m for m in example["messages"] if m["role"] != "assistant"]
    w.emit(w.dumps(example), kind)


def _trailing_user(w: Writer, kind: str) -> None:
    example = w.chat()
    example["messages"].append({"role": "user", "content": w.question(80, "en")})
    w.emit(w.dumps(example), kind)


def _bad_role(w: Writer, kind: str) -> None:
    example = w.chat()
    target = w.rng.choice([m for m in example["messages"] if m["role"] != "system"])
    target["role"] = w.rng.choice(["bot", "human", "Assistant", "model", "gpt", "User"])
    w.emit(w.dumps(example), kind)


def _wrong_content_type(w: Writer, kind: str) -> None:
    example = w.chat()
    target = w.rng.choice([m for m in example["messages"] if m["role"] == "user"])
    target["content"] = w.rng.choice([42, None, ["first part", "second part"], {"text": "hi"}, True])
    w.emit(w.dumps(example), kind)


def _wrong_messages_type(w: Writer, kind: str) -> None:
    example = w.chat()
    messages = example["messages"]
    example["messages"] = w.rng.choice([messages[-1], json.dumps(messages), None, []])
    w.emit(w.dumps(example), kind)


def _empty_content(w: Writer, kind: str) -> None:
    example = w.chat()
    target = w.rng.choice([m for m in example["messages"] if m["role"] != "system"])
    target["content"] = w.rng.choice(["", "   ", "\n"])
    w.emit(w.dumps(example), kind)


def _invalid_json(w: Writer, kind: str) -> None:
    line = w.dumps(w.chat())
    variant = w.rng.randrange(4)
    if variant == 0:  # truncated: the writer was killed mid-line
        line = line[: w.rng.randint(10, max(11, len(line) - 5))]
    elif variant == 1:  # trailing comma
        line = line[:-1] + b",}"
    elif variant == 2:  # Python repr instead of JSON
        line = repr(json.loads(line)).encode()
    else:  # two records glued together on one line
        line = line + w.dumps(w.chat())
    w.emit(line, kind)


def _blank_line(w: Writer, kind: str) -> None:
    w.emit(w.rng.choice([b"", b"   ", b"\t"]), kind)


def _double_encoded_arguments(w: Writer, kind: str) -> None:
    example = w.tool_chat(lambda arguments: json.dumps(json.dumps(arguments)))
    w.emit(w.dumps(example), kind)


def _arguments_object(w: Writer, kind: str) -> None:
    example = w.tool_chat()
    for message in example["messages"]:
        for call in message.get("tool_calls", ()):
            call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    w.emit(w.dumps(example), kind)


def _duplicate_keys(w: Writer, kind: str) -> None:
    example = w.chat()
    line = w.dumps(example).decode()
    if w.rng.random() < 0.5:  # a repeated top-level key: the parser silently keeps the last one
        extra = json.dumps([{"role": "user", "content": "hello"}])
        line = '{"messages": ' + extra + ", " + line[1:]
    else:
        role = '"role": "user"' if '"role": "user"' in line else '"role":"user"'
        line = line.replace(role, role + ', "role": "assistant"', 1)
    w.emit(line.encode(), kind)


def _bom(w: Writer, kind: str) -> None:  # `cat a.jsonl b.jsonl` where b was saved by Notepad
    w.emit(b"\xef\xbb\xbf" + w.dumps(w.chat()), kind)


def _too_long(w: Writer, kind: str) -> None:
    example = w.chat(budget=w.rng.uniform(*TOO_LONG_BYTES), turns=w.rng.randint(1, 3))
    w.emit(w.dumps(example), kind)


def _weight_two(w: Writer, kind: str) -> None:
    example = w.chat(turns=w.rng.randint(1, 4))
    target = w.rng.choice([m for m in example["messages"] if m["role"] == "assistant"])
    target["weight"] = w.rng.choice([2, "1", 0.5, True])
    w.emit(w.dumps(example), kind)


def _weight_on_user(w: Writer, kind: str) -> None:
    example = w.chat()
    next(m for m in example["messages"] if m["role"] == "user")["weight"] = 1
    w.emit(w.dumps(example), kind)


def _prompt_completion(w: Writer, kind: str) -> None:
    record = {"prompt": w.question(200, "en") + "\n\n###\n\n",
              "completion": " " + w.prose(w.rng.uniform(100, 800), "en") + " END"}
    w.emit(w.dumps(record), kind)


def _unknown_key(w: Writer, kind: str) -> None:
    example = w.chat()
    if w.rng.random() < 0.5:
        example = {w.rng.choice(["mesages", "message", "conversations"]): example["messages"]}
    else:
        target = example["messages"][-1]
        target[w.rng.choice(["contents", "text", "Content"])] = target.pop("content")
    w.emit(w.dumps(example), kind)


def _tool_call_id_mismatch(w: Writer, kind: str) -> None:
    example = w.tool_chat()
    tool = next(m for m in example["messages"] if m["role"] == "tool")
    tool["tool_call_id"] = f"call_{w.rng.getrandbits(96):024x}"
    w.emit(w.dumps(example), kind)


def _undeclared_function(w: Writer, kind: str) -> None:
    example = w.tool_chat()
    example["tools"] = [{"type": "function", "function": d} for d in w.rng.choice(w.v.tools)["tools"]]
    for message in example["messages"]:
        for call in message.get("tool_calls", ()):
            call["function"]["name"] = "lookup_" + call["function"]["name"]
    w.emit(w.dumps(example), kind)


def _crlf(w: Writer, kind: str) -> None:
    w.emit(w.dumps(w.chat()) + b"\r", kind)


def _invalid_utf8(w: Writer, kind: str) -> None:
    line = w.dumps(w.chat())
    cut = line.rfind(b'"content"')
    at = line.find(b" ", cut) + 3 if cut >= 0 else len(line) // 2
    w.emit(line[:at] + w.rng.choice([b"\xff", b"\xe9", b"\xc3\x28"]) + line[at:], kind)


def _non_finite(w: Writer, kind: str) -> None:
    example = w.chat(turns=1)
    example["messages"][-1]["weight"] = 0
    line = w.dumps(example).decode().replace('"weight": 0', '"weight": NaN')
    w.emit(line.replace('"weight":0', '"weight":NaN').encode(), kind)


def _top_level_array(w: Writer, kind: str) -> None:
    w.emit(w.dumps(w.chat()["messages"]), kind)


def _exact_duplicate(w: Writer, kind: str) -> None:
    if not w.previous:
        w.previous = w.dumps(w.chat())
        w.emit(w.previous)
    w.emit(w.previous, kind)


def _secret(w: Writer, kind: str) -> None:
    example = w.chat(turns=1)
    key = "sk-proj-" + "".join(w.rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", k=48))
    email = f"{w.rng.choice(NAMES).replace('.', '_')}@example-corp.com"
    user = next(m for m in example["messages"] if m["role"] == "user")
    user["content"] += w.rng.choice([
        f"\n\nMy API key is {key} if you need it.",
        f"\n\nYou can reach me at {email} or +1 415 555 01{w.rng.randint(10, 99)}.",
    ])
    w.emit(w.dumps(example), kind)


def _legacy_functions(w: Writer, kind: str) -> None:
    example = w.tool_chat()
    example["functions"] = [t["function"] for t in example.pop("tools")]
    for message in example["messages"]:
        calls = message.pop("tool_calls", None)
        if calls:
            message["content"] = None
            message["function_call"] = calls[0]["function"]
        if message["role"] == "tool":
            message["role"] = "function"
            message["name"] = example["functions"][0]["name"]
            del message["tool_call_id"]
    w.emit(w.dumps(example), kind)


def _system_not_first(w: Writer, kind: str) -> None:
    example = w.chat(turns=w.rng.randint(2, 4))
    messages = [m for m in example["messages"] if m["role"] != "system"]
    messages.insert(2, {"role": "system", "content": w.rng.choice(SYSTEM_PROMPTS)})
    example["messages"] = messages
    w.emit(w.dumps(example), kind)


def _placeholder(w: Writer, kind: str) -> None:
    example = w.chat(turns=1)
    example["messages"][-1]["content"] = w.rng.choice([
        "Hello {{customer_name}}, thanks for reaching out about order {order_id}.",
        "[INSERT ANSWER HERE]", "Dear {name}, your request has been received.",
    ])
    w.emit(w.dumps(example), kind)


# kind -> (relative weight, emitter)
DEFECTS: dict[str, tuple[float, Callable[[Writer, str], None]]] = {
    "missing_assistant": (8, _missing_assistant),
    "trailing_user": (5, _trailing_user),
    "bad_role": (6, _bad_role),
    "wrong_content_type": (6, _wrong_content_type),
    "wrong_messages_type": (3, _wrong_messages_type),
    "empty_content": (5, _empty_content),
    "invalid_json": (6, _invalid_json),
    "blank_line": (5, _blank_line),
    "double_encoded_arguments": (5, _double_encoded_arguments),
    "arguments_object": (3, _arguments_object),
    "duplicate_keys": (3, _duplicate_keys),
    "bom": (2, _bom),
    "too_long": (0.6, _too_long),
    "weight_invalid": (4, _weight_two),
    "weight_on_user": (2, _weight_on_user),
    "prompt_completion": (3, _prompt_completion),
    "unknown_key": (4, _unknown_key),
    "tool_call_id_mismatch": (3, _tool_call_id_mismatch),
    "undeclared_function": (3, _undeclared_function),
    "crlf": (2, _crlf),
    "invalid_utf8": (2, _invalid_utf8),
    "non_finite_number": (1, _non_finite),
    "top_level_array": (1, _top_level_array),
    "exact_duplicate": (6, _exact_duplicate),
    "secret_or_pii": (4, _secret),
    "legacy_functions": (2, _legacy_functions),
    "system_not_first": (3, _system_not_first),
    "placeholder": (3, _placeholder),
}
DEFECT_KINDS = list(DEFECTS)
DEFECT_WEIGHTS = [DEFECTS[k][0] for k in DEFECT_KINDS]


# ------------------------------------------------------------------------------------------------
# Driver: chunks in worker processes, written in order.

_VOCAB: Vocabulary | None = None


def _chunk(job: tuple[int, int, int, bool, float]) -> tuple[bytes, dict[str, list[int]], int]:
    seed, index, count, compact, rate = job
    assert _VOCAB is not None
    writer = Writer(_VOCAB, random.Random(seed * 1_000_003 + index), compact, rate)
    for _ in range(count):
        writer.add()
    return b"\n".join(writer.lines) + b"\n", writer.defects, len(writer.lines)


def default_output(examples: int) -> Path:
    label = f"{examples // 1_000_000}m" if examples % 1_000_000 == 0 else (
        f"{examples // 1000}k" if examples % 1000 == 0 else str(examples))
    return HERE / "data" / f"chat_{label}.jsonl"


def generate(examples: int, output: Path, seed: int, compact: bool, defect_rate: float,
             workers: int, corpora: Path | None) -> dict[str, Any]:
    global _VOCAB
    started = time.perf_counter()
    _VOCAB = load_vocabulary(corpora)
    jobs = [(seed, i, min(CHUNK, examples - start), compact, defect_rate)
            for i, start in enumerate(range(0, examples, CHUNK))]
    output.parent.mkdir(parents=True, exist_ok=True)
    defects: dict[str, list[int]] = {}
    lines = 0
    temporary = output.with_name(output.name + ".tmp")
    context = multiprocessing.get_context("fork")
    with open(temporary, "wb") as out, context.Pool(workers) as pool:
        for data, found, count in pool.imap(_chunk, jobs, chunksize=1):
            out.write(data)
            for kind, numbers in found.items():
                defects.setdefault(kind, []).extend(lines + n for n in numbers)
            lines += count
    os.replace(temporary, output)
    manifest = {
        "file": output.name, "examples_requested": examples, "lines": lines,
        "bytes": output.stat().st_size, "seed": seed, "style": "compact" if compact else "python",
        "defect_rate": defect_rate, "vocabulary": _VOCAB.source,
        "defect_lines": sum(len(v) for v in defects.values()),
        "defect_counts": {k: len(defects[k]) for k in sorted(defects)},
        "defects": {k: defects[k] for k in sorted(defects)},
        "seconds": round(time.perf_counter() - started, 2),
    }
    Path(str(output) + ".manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples to write (10000, 100000, 1000000)")
    parser.add_argument("-o", "--output", type=Path, help="default: bench/data/chat_<n>.jsonl")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--defect-rate", type=float, default=0.015, help="share of records with a defect")
    parser.add_argument("--compact", action="store_true",
                        help="orjson compact separators (default: Python json.dumps style, ', ' and ': ')")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help="shared corpora folder; a built-in word list is used if it is missing")
    args = parser.parse_args(argv)
    output = args.output or default_output(args.examples)
    corpora = args.corpora if args.corpora and args.corpora.is_dir() else None
    manifest = generate(args.examples, output, args.seed, args.compact, args.defect_rate,
                        args.workers, corpora)
    size = manifest["bytes"]
    print(f"wrote {output}: {manifest['lines']:,} lines, {size / 1e6:,.1f} MB "
          f"({size / max(1, args.examples):,.0f} B/example), {manifest['defect_lines']:,} defect lines "
          f"({manifest['defect_lines'] / max(1, manifest['lines']):.2%}) in {manifest['seconds']} s "
          f"[vocabulary: {manifest['vocabulary']}]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
