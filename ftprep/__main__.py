"""`python -m ftprep` runs the command-line interface."""

from ftprep.cli._main import main

if __name__ == "__main__":  # shard workers are spawned and re-import the main module
    main()
