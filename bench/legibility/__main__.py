"""python -m bench.legibility: see :mod:`bench.legibility`."""

from bench.legibility.cli import main

main()
