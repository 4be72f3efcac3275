"""FT5xx: what the chosen provider or model accepts, and until when."""
