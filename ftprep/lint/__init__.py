"""Lint runs: the engine loop, sharding, rule selection, the summary and the report."""
