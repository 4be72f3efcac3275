"""`python -m ftprep` runs the command-line interface."""

from ftprep.cli._main import main

main()
