"""Rule packs: content rules written as TOML data (`rules/content/*.toml`, users' `extend-rules`).

A pack rule is a set of RE2 patterns with validators, applied to the texts of a record (message
contents, tool-call arguments ...). Packs load into the same registry as the Python rules; the
engine runs every selected pack rule over a whole batch of records in one pass (`scan.py`).
"""
