"""``python -m archive``: the command line (see archive/cli.py)."""

from archive.cli import main

if __name__ == "__main__":
    main()
