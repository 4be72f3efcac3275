"""Every shipped provider profile loads, and says only what it can source.

The invariants here are the ones a hand-edited profile breaks: a price without a date or source,
a model counted with a tokenizer that is not its own but called exact, a default outside its own
range, a status dated in the future, an OpenAI-compatible service inheriting OpenAI's end date.
A broken profile must be a ConfigError naming the file and the key, never a traceback.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ftprep.config import Settings
from ftprep.lint.setup import run_context
from ftprep.model.errors import ConfigError
from ftprep.providers import profile
from ftprep.providers.lifecycle import today
from ftprep.providers.profile import (
    Hyperparameter,
    ProviderProfile,
    available_providers,
    load_provider,
)
from ftprep.resources import rules_dir

PROVIDERS = available_providers()
ALIVE = {"openai", "azure", "together", "fireworks", "vertex", "bedrock", "nebius"}


def _all_hyperparameters(found: ProviderProfile) -> list[Hyperparameter]:
    every = list(found.hyperparameters)
    for model in found.model:
        every += list(model.hyperparameters or ())
    return every


def test_every_live_provider_has_a_profile() -> None:
    # together.toml is another engineer's; the rest are checked here.
    assert ALIVE - {"together"} <= set(PROVIDERS)
    assert not {"mistral", "cohere"} & set(PROVIDERS), "no profile that allows submit"


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_profile_loads_under_its_own_name(provider_id: str) -> None:
    found = load_provider(provider_id)
    assert found.id == provider_id
    assert found.status.source and found.status.as_of <= today()
    assert set(found.formats) <= {"chat", "preference", "prompt-completion", "text"}


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_every_price_has_a_date_and_a_source(provider_id: str) -> None:
    for model in load_provider(provider_id).model:
        if model.price is not None:
            assert model.price.as_of <= today() and model.price.source.strip()
        else:  # no price: the profile says why, so nothing reports a cost of 0
            assert model.price_note, f"{provider_id} {model.id}: no price and no price_note"


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_a_model_with_its_own_tokenizer_is_counted_as_an_estimate(provider_id: str) -> None:
    for model in load_provider(provider_id).model:
        assert model.exact_counts is (model.tokenizer is None)
        if not model.encoding.endswith("_base"):
            pytest.fail(f"{model.id}: {model.encoding} is not an encoding ftprep ships")
        if model.tokenizer is None:  # exact only where the encoding is the model's own
            assert model.id.startswith(("gpt-", "o4-", "o3-", "o1-", "davinci", "babbage")), model.id


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_every_hyperparameter_default_is_one_it_accepts(provider_id: str) -> None:
    for hyper in _all_hyperparameters(load_provider(provider_id)):
        assert hyper.source.strip()
        if hyper.minimum is not None and hyper.maximum is not None:
            assert hyper.minimum <= hyper.maximum, hyper.name
        if hyper.default is None:
            continue
        if hyper.choices:
            assert str(hyper.default) in hyper.choices, hyper.name
        if isinstance(hyper.default, (bool, str)):
            continue
        value = float(hyper.default)
        if hyper.minimum is not None:
            assert value > hyper.minimum if hyper.exclusive_minimum else value >= hyper.minimum
        if hyper.maximum is not None:
            assert value <= hyper.maximum, hyper.name
        if hyper.type == "int":
            assert value.is_integer(), hyper.name


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_dates_are_sourced_and_submit_names_its_sdk(provider_id: str) -> None:
    found = load_provider(provider_id)
    for model in found.model:
        if model.shutdown is not None:
            assert model.shutdown.source.strip()
    if found.submit is not None:
        assert found.submit.source.strip() and found.submit.module and found.submit.extra
    if found.status.state in ("deprecated", "shutdown"):
        assert found.submit is None


def test_live_submission_where_an_sdk_takes_the_file() -> None:
    for provider_id in ("openai", "azure", "fireworks", "nebius", "bedrock", "vertex"):
        submit = load_provider(provider_id).submit
        assert submit is not None and submit.live, provider_id


def test_nebius_extends_openai_without_its_end_date_prices_or_models() -> None:
    nebius, openai = load_provider("nebius"), load_provider("openai")
    assert nebius.extends == "openai"
    assert openai.no_new_jobs_from is not None  # the fact that must not leak
    assert nebius.no_new_jobs_from is None
    assert nebius.status.state == "active" and nebius.epochs is None
    assert nebius.accepts == {} and nebius.encodings == {}
    assert all(m.price is None for m in nebius.model)
    assert {m.id for m in nebius.model}.isdisjoint(m.id for m in openai.model)
    assert nebius.format == openai.format  # what it does inherit
    assert nebius.submit is not None and nebius.submit.api_key_env == ("NEBIUS_API_KEY",)
    assert nebius.submit.base_url == "https://api.tokenfactory.nebius.com/v1/"
    assert all(not m.exact_counts and m.tokenizer == m.id for m in nebius.model)


def test_azure_is_active_with_openai_models_and_no_openai_dates() -> None:
    azure = load_provider("azure")
    assert azure.extends is None and azure.status.state == "active"
    assert azure.no_new_jobs_from is None and azure.epochs is None
    assert all(m.shutdown is None and m.price is None for m in azure.model)
    limits = {m.id: m.max_tokens_per_example for m in azure.model}
    assert limits["gpt-4.1-nano-2025-04-14"] == 32_768 and limits["Qwen-32B"] == 8_192
    assert azure.submit is not None and azure.submit.adapter == "azure"
    assert azure.submit.base_url_env == "AZURE_OPENAI_ENDPOINT"


def test_bedrock_models_carry_their_family_ranges() -> None:
    bedrock = load_provider("bedrock")
    nova = bedrock.find_model("amazon.nova-lite-v1:0:300k")
    claude = bedrock.find_model("anthropic.claude-3-haiku-20240307-v1:0:200k")
    llama = bedrock.find_model("meta.llama3-1-8b-instruct-v1:0:128k")
    assert nova is not None and claude is not None and llama is not None
    nova_epochs = bedrock.hyperparameter("epochs", nova)
    claude_epochs = bedrock.hyperparameter("epochs", claude)
    assert nova_epochs is not None and (nova_epochs.maximum, nova_epochs.default) == (5, 2)
    assert claude_epochs is not None and (claude_epochs.maximum, claude_epochs.default) == (10, 2)
    assert bedrock.hyperparameters_for(llama) == ()  # none published: not Nova's by default
    assert bedrock.recommended_examples == 100 and "epochs" in bedrock.billing


def test_vertex_limits_and_the_retired_flash() -> None:
    vertex = load_provider("vertex")
    flash = vertex.find_model("gemini-2.5-flash")
    assert flash is not None and flash.max_tokens_per_example == 131_072
    assert flash.shutdown is not None and flash.shutdown.date == datetime.date(2026, 10, 20)
    assert "secondary" in flash.shutdown.source
    assert (vertex.max_validation_examples, vertex.max_examples) == (5_000, 1_000_000)
    adapter = vertex.hyperparameter("adapter-size")
    assert adapter is not None and adapter.choices == ("1", "2", "4", "8", "16")


def test_fireworks_counts_any_model_as_an_estimate() -> None:
    context = run_context(Settings(provider="fireworks",
                                   model="accounts/fireworks/models/llama-v3p1-8b-instruct"))
    assert context.model is None and context.encoding == "o200k_base"
    assert any("estimates" in note and "lists no models" in note for note in context.notes)
    fireworks = load_provider("fireworks")
    assert (fireworks.min_examples, fireworks.max_examples) == (3, 3_000_000)


# A broken profile: a copy of the rules folder with one file changed.

Write = Callable[[str, str], Path]


@pytest.fixture
def rules_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Write]:
    folder = tmp_path / "rules"
    (folder / "providers").mkdir(parents=True)
    for path in (rules_dir() / "providers").glob("*.toml"):
        (folder / "providers" / path.name).write_text(path.read_text(encoding="utf-8"))
    monkeypatch.setattr(profile, "rules_dir", lambda: folder)
    load_provider.cache_clear()

    def write(name: str, text: str) -> Path:
        path = folder / "providers" / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    yield write
    load_provider.cache_clear()


MINIMAL = """
id = "{id}"
name = "Test"
{extra}
[status]
state = "active"
as_of = 2026-11-01
source = "a test"
"""


def test_a_bad_value_names_the_file_and_the_model(rules_with: Write) -> None:
    text = (rules_dir() / "providers" / "azure.toml").read_text(encoding="utf-8")
    path = rules_with("azure", text.replace("max_tokens_per_example = 8_192",
                                            "max_tokens_per_example = -1"))
    with pytest.raises(ConfigError) as error:
        load_provider("azure")
    assert str(path) in error.value.message
    assert "model[7] ('Qwen-32B').max_tokens_per_example" in error.value.message


def test_an_unknown_key_and_bad_toml_are_config_errors(rules_with: Write) -> None:
    rules_with("broken", MINIMAL.format(id="broken", extra="maximum_examples = 5"))
    with pytest.raises(ConfigError, match=r"broken\.toml: maximum_examples: Extra inputs"):
        load_provider("broken")
    rules_with("garbled", "id = \n")
    with pytest.raises(ConfigError, match=r"garbled\.toml: invalid TOML"):
        load_provider("garbled")


def test_an_id_that_is_not_the_file_name_is_an_error(rules_with: Write) -> None:
    rules_with("copy", MINIMAL.format(id="azure", extra=""))
    with pytest.raises(ConfigError, match=r"copy\.toml: id: 'azure' must be the file's name"):
        load_provider("copy")


def test_an_extends_loop_is_a_config_error(rules_with: Write) -> None:
    rules_with("one", MINIMAL.format(id="one", extra='extends = "two"\ninherit = ["formats"]'))
    rules_with("two", MINIMAL.format(id="two", extra='extends = "one"\ninherit = ["formats"]'))
    with pytest.raises(ConfigError, match="extends makes a loop: one -> two -> one"):
        load_provider("one")


def test_extends_a_missing_profile_or_inherits_an_own_key(rules_with: Write) -> None:
    rules_with("orphan", MINIMAL.format(id="orphan", extra='extends = "nobody"'))
    with pytest.raises(ConfigError, match=r"orphan\.toml: extends: unknown provider 'nobody'"):
        load_provider("orphan")
    rules_with("thief", MINIMAL.format(id="thief", extra='extends = "openai"\ninherit = ["status"]'))
    with pytest.raises(ConfigError, match=r"thief\.toml: inherit: 'status' cannot be inherited"):
        load_provider("thief")


def test_only_listed_keys_are_inherited(rules_with: Write) -> None:
    rules_with("child", MINIMAL.format(
        id="child", extra='extends = "openai"\ninherit = ["no_new_jobs_from", "formats"]'))
    child = load_provider("child")
    assert child.no_new_jobs_from == load_provider("openai").no_new_jobs_from
    assert child.formats == ("chat", "preference")
    assert child.model == () and child.epochs is None and child.status.state == "active"


def test_an_unknown_provider_suggests_the_closest_and_the_listing() -> None:
    with pytest.raises(ConfigError) as error:
        load_provider("nebuis")
    assert error.value.hint is not None
    assert "'nebius'" in error.value.hint and "ftprep providers" in error.value.hint
    with pytest.raises(ConfigError, match="unknown provider"):
        load_provider("../providers/openai")
