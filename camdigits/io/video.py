"""Video files -> frames, each with its index in the file and its time.

:func:`video_frames` raises :class:`SourceError` after its last good frame when a file
stops decoding early.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2

from camdigits.errors import SourceError
from camdigits.io.frames import Frame
from camdigits.io.images import HeaderTooLarge, _check_regular_file, image_size_from_header
from camdigits.quiet import quiet_opencv

NOT_A_VIDEO_HINT = "is it a video file (mp4, avi, mov, mkv, webm)? try playing it in a video player"
MOOV_MISSING_HINT = (
    "the file ends before its index (the mp4 'moov' box), so no frame can be located; "
    "copy it again, or rebuild the index with a repair tool such as untrunc"
)
# Frame rate assumed when a container does not state one (some AVI and raw streams):
# 30 fps is what most webcams and phones record.
DEFAULT_FPS = 30.0
MAX_STATED_FPS = 1000.0  # a stated rate at or above this is not one: FFmpeg says 90000 when it does not know


def stated_fps(fps: float) -> float:
    """The frame rate a container or camera states (``CAP_PROP_FPS``), or DEFAULT_FPS where
    it states none (FFmpeg reports 0, or 90000)."""
    return fps if 0 < fps < MAX_STATED_FPS else DEFAULT_FPS


@dataclass(frozen=True)
class VideoInfo:
    """What a video's container says about it, read before any frame is decoded."""

    path: str
    width: int
    height: int
    fps: float
    frame_count: int  # as stated by the container; 0 if it does not say

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


def open_video(path: str | Path) -> tuple[cv2.VideoCapture, VideoInfo]:
    """Open a video file and read its size, frame rate and frame count.

    Raises:
        SourceError: the file is missing, a folder, or holds no decodable video.
    """
    path = Path(path)
    _check_regular_file(path, "video", "pass a video file inside it")
    with open(path, "rb") as file:
        try:
            is_image = image_size_from_header(file) is not None
        except HeaderTooLarge:
            is_image = True
        if is_image:  # FFmpeg would play it as one frame
            raise SourceError(f"{path}: is an image, not a video", f"read it with: camdigits snapshot {path}")
    with quiet_opencv():
        # One decoding thread: FFmpeg's default of several costs more CPU for no speed on
        # a webcam-sized clip (docs/performance.md), and in video mode the recognizer's
        # worker processes already keep every core busy.
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
        if not capture.isOpened():
            hint = MOOV_MISSING_HINT if _is_mp4_without_index(path) else NOT_A_VIDEO_HINT
            raise SourceError(f"{path}: not a readable video", hint)
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        fps = capture.get(cv2.CAP_PROP_FPS)
        frame_count = max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
    if width <= 0 or height <= 0:
        capture.release()
        raise SourceError(f"{path}: holds no video stream", NOT_A_VIDEO_HINT)
    return capture, VideoInfo(str(path), width, height, stated_fps(fps), frame_count)


def _is_mp4_without_index(path: Path) -> bool:
    """Whether ``path`` starts like an mp4/mov file (an 'ftyp' box) but has no 'moov' box
    at the top level: the usual shape of a recording cut off before it was finalized."""
    with open(path, "rb") as file:
        head = file.read(8)
        if len(head) < 8 or head[4:8] != b"ftyp":
            return False
        position = 0
        while True:
            file.seek(position)
            header = file.read(16)
            if len(header) < 8:
                return True
            size, kind = struct.unpack(">I4s", header[:8])
            if kind == b"moov":
                return False
            if size == 1 and len(header) == 16:  # 64-bit box size follows the type
                size = struct.unpack(">Q", header[8:16])[0]
            if size < 8:
                return True  # size 0 ("to the end of the file") or a broken box
            position += size


def _frame_time(capture: cv2.VideoCapture, index: int, fps: float) -> float:
    """Seconds from the start of the file to the frame just read, from its timestamp."""
    milliseconds = capture.get(cv2.CAP_PROP_POS_MSEC)
    if not math.isfinite(milliseconds) or milliseconds < 0 or (milliseconds == 0 and index > 0):
        return index / fps  # no timestamp: the container's nominal rate
    return milliseconds / 1000.0


def video_frames(capture: cv2.VideoCapture, info: VideoInfo, every: int = 1) -> Iterator[Frame]:
    """Every ``every``-th frame of an opened video, with its index in the file and its
    time in seconds: the frame's own timestamp, so that a variable-frame-rate file (phones
    record them) reports when each frame was seen; index / fps where a frame has none.

    Frames in between are grabbed but not decoded into images. When the file ends before
    the frame count its container states, every frame before that point is yielded
    first, then :class:`SourceError` says where decoding stopped. The capture is released
    when the iterator ends or is closed.

    Raises:
        SourceError: decoding stopped early (a truncated or damaged file).
    """
    if every < 1:
        raise ValueError(f"every must be at least 1, got {every}")
    index = 0
    try:
        with quiet_opencv():
            while True:
                if index % every == 0:
                    ok, image = capture.read()
                    if not ok or image is None:
                        break
                    yield Frame(image, info.path, index, _frame_time(capture, index, info.fps))
                elif not capture.grab():
                    break
                index += 1
    finally:
        capture.release()
    if index < info.frame_count:
        raise SourceError(
            f"{info.path}: decoding stopped at frame {index} of {info.frame_count} "
            f"({index / info.fps:.2f} s of {info.frame_count / info.fps:.2f} s); "
            f"the {index} frames before it were processed",
            "the rest of the file is truncated or damaged; copy it again from its source",
        )
