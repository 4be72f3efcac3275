"""What the token counts cover, in words and numbers, for the text and JSON summaries.

A summary must not call a count exact when images or unreadable values were left out of it,
nor call every record an example when some are broken or in a format the provider does not
train on; these helpers say so, with numbers, in one place for both reporters.
"""

from __future__ import annotations

from typing import Any

from ftprep.lint.report import Report
from ftprep.lint.summary import Summary
from ftprep.registry import find_rule
from ftprep.tokens.images import Uncounted

_FORMAT_NAMES = {"unknown": "unrecognized", "prompt-completion": "prompt/completion"}


def thousands(value: int) -> str:
    """A count as people read it: 12,345."""
    return f"{value:,}"


def plural(count: int, word: str) -> str:
    """`1 example`, `2 examples`; `info` is a mass noun (`3 info`, not `3 infos`)."""
    return f"{thousands(count)} {word}{'' if count == 1 or word == 'info' else 's'}"


def usable_row(report: Report) -> str | None:
    """`20 of 24 examples (4 with errors)`, or None when every example is usable."""
    summary, provider = report.summary, report.context.provider
    usable = summary.usable(provider.formats)
    if usable == summary.examples:
        return None
    errors = sum(n for (fmt, bad), n in summary.checked.items() if bad and fmt in provider.formats)
    parts = [f"{thousands(errors)} with errors"] if errors else []
    merged: dict[str, int] = {}
    for (fmt, _bad), n in sorted(summary.checked.items()):
        if fmt not in provider.formats:
            merged[fmt] = merged.get(fmt, 0) + n
    parts += [f"{thousands(count)} {_FORMAT_NAMES.get(fmt, fmt)}" for fmt, count in merged.items()]
    trains = " and ".join(provider.formats)
    tail = f"; {provider.name} trains on {trains}" if merged else ""
    return f"{thousands(usable)} of {plural(summary.examples, 'example')} ({', '.join(parts)}{tail})"


def images_row(summary: Summary, model: str | None) -> str | None:
    """How many image parts there are, their tokens, and which were not counted and why."""
    if not summary.images:
        return None
    uncounted = sum(summary.uncounted_images.values())
    counted = summary.images - uncounted
    text = plural(summary.images, "image part")
    if counted:
        whose = f" by OpenAI's image formula for {model}" if model else ""
        text += f": {thousands(counted)} counted, {plural(summary.image_tokens, 'token')}{whose}"
    if uncounted:
        reasons = "; ".join(f"{thousands(count)} {Uncounted[name].value}"
                            for name, count in sorted(summary.uncounted_images.items()))
        text += f"{'; ' if counted else ': '}{thousands(uncounted)} not counted ({reasons})"
    return text


def unreadable_row(summary: Summary) -> str | None:
    if not summary.unreadable_examples:
        return None
    return (f"{plural(summary.unreadable_examples, 'example')} with values that are neither "
            "text nor an image part (not counted)")


def lower_bound(summary: Summary) -> str | None:
    """What a token total or cost leaves out, or None when it is exact."""
    parts = []
    uncounted = sum(summary.uncounted_images.values())
    if uncounted:
        parts.append(f"{plural(uncounted, 'image')} not counted")
    if summary.unreadable_examples:
        parts.append(f"unreadable values in {plural(summary.unreadable_examples, 'example')} "
                     "not counted")
    return " and ".join(parts) or None


def token_label(report: Report) -> str:
    """`o200k_base, exact, toktok`, or what makes the counts a lower bound."""
    summary, encoding = report.summary, report.context.encoding
    missing = lower_bound(summary)
    if missing:
        return f"{encoding}, {report.tokenizer}; a lower bound: {missing}"
    model = report.context.model
    if model is not None and model.tokenizer:
        return f"{encoding}, {report.tokenizer}; an estimate: {model.id} uses {model.tokenizer}"
    if summary.images:
        return f"{encoding}, exact, {report.tokenizer}; images by OpenAI's formula"
    return f"{encoding}, exact, {report.tokenizer}"


def verdicts(report: Report) -> list[dict[str, Any]]:
    """What the provider profile says about the shapes its rules found, with the source.

    A rule named in the profile's `accepts` table takes its severity from it (info where the
    provider trains on the shape); the report says why, once, instead of on every finding.
    """
    found = []
    for name, verdict in sorted(report.context.provider.accepts.items()):
        rule = find_rule(name)
        if rule is not None and report.summary.by_code.get(rule.code):
            found.append({"code": rule.code, "name": name, "accepted": verdict.accepted,
                          "source": verdict.source})
    return found


def verdicts_row(report: Report) -> str | None:
    provider = report.context.provider.name
    return "; ".join(
        f"{v['code']} {v['name']}: {provider} {'accepts' if v['accepted'] else 'rejects'} it "
        f"({v['source']})" for v in verdicts(report)
    ) or None


def coverage_json(report: Report) -> dict[str, Any]:
    """The same facts for `--format json` (added keys: the schema version stays)."""
    summary, model = report.summary, report.context.model
    # The model's own tokenizer, when ftprep counted with another one: counts are estimates.
    other_tokenizer = model.tokenizer if model is not None else None
    return {
        "exact": summary.exact and other_tokenizer is None,
        "model_tokenizer": other_tokenizer,
        "images": {
            "parts": summary.images,
            "counted": summary.images - sum(summary.uncounted_images.values()),
            "tokens": summary.image_tokens,
            "not_counted": {
                name.lower(): n for name, n in sorted(summary.uncounted_images.items())
            },
        },
        "unreadable_examples": summary.unreadable_examples,
    }
