"""Everything that touches files, devices and screens: frame sources (image and video files
in ``images``, cameras in ``camera``) in, and drawings, files and windows out (``annotate``,
``sinks``, ``window``, ``atomic``, ``quiet``).
"""
