"""FT3xx: dataset-level rules that accumulate state over every record."""
