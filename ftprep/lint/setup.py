"""Settings -> an engine: resolve the model, choose the rules and the tokenizer.

Every command (and every shard worker) builds its engine here, so all read, check and count
the same way.
"""

from __future__ import annotations

from ftprep.checks.base import RunContext
from ftprep.config import Settings
from ftprep.lint.engine import Engine, Sharder
from ftprep.lint.selection import FileIgnores, active_rules
from ftprep.model.errors import ConfigError
from ftprep.providers.profile import load_provider
from ftprep.suggest import closest
from ftprep.tokens.encoders import get_counter

DEFAULT_ENCODING = "o200k_base"


def run_context(settings: Settings) -> RunContext:
    """Provider profile, model, tokenizer and per-example limit for these settings."""
    provider = load_provider(settings.provider)
    name = settings.model
    model = provider.find_model(name) if name else None
    encoding = DEFAULT_ENCODING
    notes: list[str] = []
    if model is not None:
        encoding = model.encoding  # its shutdown and the provider's last day: rule FT501
    elif name is not None:
        known = [m.id for m in provider.model] + [a for m in provider.model for a in m.aliases]
        hint = closest(name, known)
        suggestion = (f"did you mean {hint!r}?" if hint else
                      f"known models: {', '.join(known)}" if known else "it lists no models")
        prefix = provider.encoding_prefix(name)
        if prefix is None:
            raise ConfigError(f"unknown model {name!r} for provider {provider.id}", suggestion)
        encoding = provider.encodings[prefix]
        # The catch-all "" prefix: the provider's tokenizer is not one ftprep ships.
        how = "by name prefix" if prefix else "an approximation: token counts are estimates"
        notes.append(
            f"model {name!r} is not in the {provider.id} profile: counting with {encoding} "
            f"({how}), with no per-example limit or price; {suggestion}"
        )
    limit = settings.max_tokens or (model.max_tokens_per_example if model else None)
    return RunContext(provider, model, model.id if model else name, encoding, limit, tuple(notes))


def build_engine(
    settings: Settings, *, threads: int | None = None,
    shape_gate: bool = True, engine_class: type[Engine] = Engine, sharder: Sharder | None = None,
) -> Engine:
    """The engine these settings describe; shard workers build theirs the same way."""
    context = run_context(settings)
    rules = active_rules(settings)
    jobs = settings.jobs or 1
    # Several processes each count on one thread; one process counts on every core.
    counter = get_counter(context.encoding, settings.tokenizer, threads or (1 if jobs > 1 else None))
    engine = engine_class(
        rules, context, counter, FileIgnores(settings.per_file_ignores), shape_gate, jobs, sharder
    )
    engine.settings_dump = settings.model_dump()
    return engine
