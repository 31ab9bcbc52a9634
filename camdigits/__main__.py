"""``python -m camdigits``: the same command line as the ``camdigits`` script."""

from camdigits.cli import main

if __name__ == "__main__":
    main()
