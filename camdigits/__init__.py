"""camdigits: real-time handwritten digit recognition for webcams, videos and photos.

The public API::

    import cv2
    from camdigits import Recognizer

    result = Recognizer().recognize(cv2.imread("page.jpg"))
    print([number.text for number in result.numbers])

Everything in ``__all__`` is importable from here. The names whose modules import NumPy
and OpenCV (the recognizer, the tracker, the frame sources) are loaded on first use, so
``import camdigits`` stays light for the CLI's ``--help`` and for tools that only need
the result types.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from camdigits.config import Config, TrackerConfig
from camdigits.errors import CamdigitsError, ImageError, ModelError, SourceError
from camdigits.types import Digit, FrameResult, Number

__version__ = "0.1.0"

# OpenCV's own limit on the pixels it decodes, read once when cv2 is imported, so it is set
# before any camdigits module imports cv2: images whose header Pillow cannot read are then
# refused by the decoder instead of allocated (OpenCV's default allows a gigapixel). A
# user who needs another limit can set the variable themselves.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(int(Config.max_megapixels * 1e6)))

# Exported name -> the module that defines it, imported by __getattr__ on first use: these
# modules import cv2 and NumPy, which take about 170 ms to load.
_LAZY = {
    "Recognizer": "camdigits.recognition.recognizer",
    "Tracker": "camdigits.tracking",
    "Frame": "camdigits.io.frames",
    "SkippedInput": "camdigits.io.frames",
    "VideoInfo": "camdigits.io.video",
    "image_frames": "camdigits.io.images",
    "read_image": "camdigits.io.images",
    "decode_image": "camdigits.io.images",
    "open_video": "camdigits.io.video",
    "video_frames": "camdigits.io.video",
    "CameraStream": "camdigits.io.camera",
    "open_camera": "camdigits.io.camera",
}

__all__ = [
    "CameraStream",
    "CamdigitsError",
    "Config",
    "Digit",
    "Frame",
    "FrameResult",
    "ImageError",
    "ModelError",
    "Number",
    "Recognizer",
    "SkippedInput",
    "SourceError",
    "Tracker",
    "TrackerConfig",
    "VideoInfo",
    "__version__",
    "decode_image",
    "image_frames",
    "open_camera",
    "open_video",
    "read_image",
    "video_frames",
]

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ provides them
    from camdigits.io.camera import CameraStream, open_camera
    from camdigits.io.frames import Frame, SkippedInput
    from camdigits.io.images import decode_image, image_frames, read_image
    from camdigits.io.video import VideoInfo, open_video, video_frames
    from camdigits.recognition.recognizer import Recognizer
    from camdigits.tracking import Tracker


def __getattr__(name: str) -> object:
    """Import a lazily exported name's module on first access (PEP 562) and keep the name."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'camdigits' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
