"""Readers turn user paths into streams of raw lines or records, each carrying provenance."""
