"""Provider profiles (data in rules/providers/*.toml) and, later, submission adapters."""
