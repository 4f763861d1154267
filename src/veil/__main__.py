"""``python -m veil``: the ``veil`` command, for when the console script is not on PATH."""

from veil.cli.app import main

if __name__ == "__main__":
    main()
