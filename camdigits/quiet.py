"""Silencing the libraries' own messages, so that a problem is reported in one line of ours.

OpenCV logs multi-line warnings about broken files and missing cameras through its own log,
and FFmpeg under it through another; the codecs under it (libpng, libjpeg) and LiteRT's C++
core print straight to the process's standard error, past any Python setting. Importing
this module silences FFmpeg for the process; the rest is silenced around the calls that
speak.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import cv2

# FFmpeg (OpenCV's video back end) prints its complaints about broken files straight to
# stderr, past OpenCV's log level, unless this variable is set before its first use;
# -8 is FFmpeg's AV_LOG_QUIET. A user who wants FFmpeg's messages can set it themselves.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

# OpenCV's log level is one for the process, and the decoder and encoder threads of a video
# run silence it at the same time: the first to enter saves the level and the last to leave
# restores it, or one thread's restore would let the other's warnings through.
_QUIET_LOCK = threading.Lock()
_quiet_depth = 0
_saved_level: int | None = None


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's (and its FFmpeg back end's) own log, from any thread. Bindings
    without ``cv2.utils.logging`` (OpenCV 4.8's wheels) cannot set the level: it is left."""
    global _quiet_depth, _saved_level
    logging = getattr(cv2.utils, "logging", None)
    if logging is None:
        yield
        return
    with _QUIET_LOCK:
        if _quiet_depth == 0:
            _saved_level = logging.getLogLevel()
            logging.setLogLevel(logging.LOG_LEVEL_SILENT)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logging.setLogLevel(_saved_level)


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration: for short native calls only,
    since it also hides what other threads print meanwhile. Failures still surface as
    Python exceptions or return values."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
