"""Everything that touches files, devices and screens: frame sources (image files, video
files, cameras) in, and drawings, files, windows and written outputs out.

``frames`` holds what a source yields; ``images``, ``video`` and ``camera`` are the
sources; ``annotate`` draws results on a frame; ``sinks`` and ``window`` write and show
them; ``atomic`` writes files whole or not at all.
"""
