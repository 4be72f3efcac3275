"""What every layer shares: records, lines, diagnostics, locations, sources, errors."""
