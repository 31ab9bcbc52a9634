"""Frame sources: where the images the pipeline reads come from.

A source is an iterator of :class:`Frame` (an image to read) and :class:`SkippedInput`
(an input that could not be turned into one, with the reason). Yielding the failure
instead of raising it keeps one bad file from stopping the loop, and lets the loop report
it in order with the others. Snapshot mode is :func:`camdigits.io.images.image_frames`, a
source of one frame per image; video mode is :func:`camdigits.io.video.video_frames`, whose
frames carry their index and time in the file, and which raises :class:`SourceError` after
its last good frame when a file stops decoding early. Cameras are read in a thread: see
:mod:`camdigits.io.camera`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from camdigits.errors import CamdigitsError


@dataclass(frozen=True, eq=False)
class Frame:
    """One image to read: BGR uint8 pixels, where they came from, and when.

    ``index`` counts frames within ``source`` (0 for a still image); ``time`` is seconds
    since the source started (0.0 for a still image).
    """

    image: np.ndarray
    source: str
    index: int = 0
    time: float = 0.0

    def __post_init__(self) -> None:
        image = self.image
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
            raise ValueError(f"Frame.image must be non-empty BGR uint8 (H, W, 3), got {image.dtype} {image.shape}")


@dataclass(frozen=True)
class SkippedInput:
    """An input that yielded no frame, and the error that says why and what to do."""

    source: str
    error: CamdigitsError
