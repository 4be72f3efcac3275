"""FT2xx: token-length rules, reading the facts the engine counted once."""
