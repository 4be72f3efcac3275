"""Deterministic, grouped, stratified train/validation splits of a JSON Lines file.

Two passes over the input (`scan`, then `write`), a few numbers per example in between: keys,
MinHash band keys and class ids (`scan`), clusters of exact and verified near duplicates
(`groups`), and the assignment (`plan`). `run.split_file` ties them together.
"""
