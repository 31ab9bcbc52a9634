"""Everything that touches files, devices and screens: frame sources (image files, video
files, cameras) in, and drawings, files, windows and written outputs out.

``frames`` holds what a source yields; ``images``, ``video`` and ``camera`` are the
sources; ``annotate`` draws results on a frame; ``sinks`` and ``window`` write and show
them; ``atomic`` writes files whole or not at all.
"""

import os

# FFmpeg (OpenCV's video back end) prints its complaints about broken files straight to
# stderr, past OpenCV's log level, unless this variable is set before its first use;
# -8 is FFmpeg's AV_LOG_QUIET. A user who wants FFmpeg's messages can set it themselves.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
