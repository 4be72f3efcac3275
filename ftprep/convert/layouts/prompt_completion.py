"""`prompt-completion`: legacy OpenAI completions data, and TRL/Hugging Face prompt-completion.

Strings (`{"prompt": "Review: great\\n\\n###\\n\\n", "completion": " positive END"}`) become a
user and an assistant message. OpenAI's `prepare_data` told people to end every prompt with a
fixed separator, start every completion with a space and end it with a fixed stop sequence
(FORMATS.md section 4); a chat model needs none of them, so with `clean` (the default):

- the separator is removed when *every* sampled prompt ends with it, and only if it is one of
  the separators prepare_data suggested (`->`, `###`, `===`, `---`, `===>`, `--->`, `### =>`)
  or `=>`. Words are never removed: `Sentiment:` at the end of every prompt is the task's
  question, not a separator, and stays;
- the ending is removed when every sampled completion ends with it, and only if it is one of
  prepare_data's stop sequences (` END`, `***`, `+++`, `&&&`, `$$$`, `@@@`, `%%%`, ` [END]`) or
  `###`; `.` is never removed, being the end of a sentence;
- one leading space of the completion is removed, and trailing whitespace of both.

Conventions are learnt from the first records (`ConvertOptions.sample_size`) so conversion still
streams; a later record that lacks the separator is simply left as it is. Prompt and completion
as message lists (TRL conversational) are joined into one conversation. A boolean `label` that
is false (TRL unpaired preference) rejects the record.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from ftprep.convert.layouts._base import Layout, text
from ftprep.convert.layouts._messages import MessageReader
from ftprep.convert.layouts.messages import chat_record, check_label
from ftprep.model.sources import SourceRecord

# Longest first, so `--->` wins over `->` and `### =>` over `=>`.
SEPARATORS = ("### =>", "===>", "--->", "###", "===", "---", "->", "=>")
ENDINGS = (" [END]", " END", "***", "+++", "&&&", "$$$", "@@@", "%%%", "###")


def shared_suffix(texts: Sequence[str], candidates: Sequence[str]) -> str | None:
    """The first candidate that every text ends with (after trailing whitespace), if any."""
    if not texts:
        return None
    stripped = [t.rstrip() for t in texts]
    for candidate in candidates:
        if all(t.endswith(candidate) for t in stripped):
            return candidate
    return None


class PromptCompletion(Layout):
    name = "prompt-completion"
    summary = "prompt and completion (legacy OpenAI strings, or TRL message lists)"

    separator: str | None = None
    ending: str | None = None

    @classmethod
    def matches(cls, fields: Collection[str]) -> bool:
        return "prompt" in fields and "completion" in fields

    def prepare(self, sample: Sequence[SourceRecord]) -> None:
        super().prepare(sample)
        if not self.options.clean:
            return
        pairs = [(r.fields.get("prompt"), r.fields.get("completion")) for r in sample]
        prompts = [p for p, _ in pairs if isinstance(p, str)]
        completions = [c for _, c in pairs if isinstance(c, str)]
        self.separator = shared_suffix(prompts, SEPARATORS)
        self.ending = shared_suffix([c.strip() for c in completions], ENDINGS)
        n = len(prompts)
        if self.separator:
            self.notes.append(
                f"removing the separator {self.separator!r} that all {n} sampled prompts end with"
            )
        if self.ending:
            self.notes.append(
                f"removing the ending {self.ending.strip()!r} "
                f"that all {len(completions)} sampled completions end with"
            )

    def build(self, fields: dict[str, Any]) -> dict[str, Any]:
        check_label(fields)
        prompt, completion = fields.get("prompt"), fields.get("completion")
        if isinstance(prompt, list) or isinstance(completion, list):
            reader = MessageReader()
            head = (
                reader.messages(prompt, "/prompt")
                if isinstance(prompt, list)
                else [{"role": "user", "content": text(prompt, "prompt")}]
            )
            tail = (
                reader.messages(completion, "/completion")
                if isinstance(completion, list)
                else [{"role": "assistant", "content": text(completion, "completion")}]
            )
            return chat_record(self.with_system(head + tail, fields), fields)
        user = text(prompt, "prompt")
        assistant = text(completion, "completion")
        if self.options.clean:
            user = self._clean_prompt(user)
            assistant = self._clean_completion(assistant)
            text(user, "prompt without its separator")
            text(assistant, "completion without its ending")
        messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        return {"messages": self.with_system(messages, fields)}

    def _clean_prompt(self, prompt: str) -> str:
        prompt = prompt.rstrip()
        if self.separator and prompt.endswith(self.separator):
            prompt = prompt[: -len(self.separator)].rstrip()
        return prompt

    def _clean_completion(self, completion: str) -> str:
        completion = completion.rstrip()
        if self.ending and completion.endswith(self.ending):
            completion = completion[: -len(self.ending)].rstrip()
        return completion.removeprefix(" ")
