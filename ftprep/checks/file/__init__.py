"""FT0xx: file and encoding rules (raw bytes and parsing)."""
