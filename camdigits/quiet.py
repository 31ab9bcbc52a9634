"""Silencing the libraries' own messages, so that a problem is reported in one line of ours.

OpenCV logs multi-line warnings about broken files and missing cameras through its own log;
the codecs under it (libpng, libjpeg) and LiteRT's C++ core print straight to the process's
standard error, past any Python setting.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import cv2


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's (and its FFmpeg back end's) own log. The level is process-wide, so
    it is restored on exit."""
    log_level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(log_level)


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
