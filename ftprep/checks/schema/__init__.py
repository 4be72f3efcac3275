"""FT1xx: chat, preference and legacy record schema rules."""
