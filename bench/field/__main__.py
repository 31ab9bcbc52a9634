"""python -m bench.field: see :mod:`bench.field.run` (workers import the runner from there)."""

from bench.field.run import main

main()
