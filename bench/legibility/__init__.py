"""What a person reads of the digits the recognizer misses: reading sheets and their score.

    python -m bench.legibility sheets OUT [--condition mixed_sizes] [--size 640x480]
                              [--first-seed 0] [--scenes 40] [--misses 80] [--hits 40]
                              [--heights 0,20]
    python -m bench.legibility score OUT ANSWERS [OUT ANSWERS ...]

``sheets`` (:mod:`bench.legibility.sheets`) reads the field set's scenes of one condition
with the recognizer, takes the true digits of the given heights (px, from and below) that it
misses (no box on them, or a wrong label) and, as a control, some that it reads right,
shuffles them and draws each as an enlarged crop with its neighbours and a green box round
it, numbered and unlabelled, 24 to a sheet (OUT/sheet-N.png). The truth goes to
OUT/key.json, which the reader does not open, with a digest of the tiles.

The reader writes what each boxed digit is, ``index:digit``, or ``index:digit?`` where it is
a guess, into a text file (``#`` starts a comment; a line ``# tiles: DIGEST`` ties the file to
its sheets). ``score`` (:mod:`bench.legibility.score`) prints how many of the missed and of the
read digits the reader read right, and the F1 the condition would have if the recognizer also
read every missed digit the reader read, its false digits as they are: how much of the gap to
the target lies in digits a person can read. Sets of one condition drawn for disjoint heights
are scored together too (docs/accuracy.md, "What a person reads of the missed digits").
"""
