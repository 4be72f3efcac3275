"""Exact token counts: encoders, per-format counting plans, image tokens."""
