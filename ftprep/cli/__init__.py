"""The command-line interface: a module per command; `_main` owns exit codes."""
