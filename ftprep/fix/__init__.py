"""Repairs and the `fix` writer: what the rules' `fix` declares, applied to records and files."""
