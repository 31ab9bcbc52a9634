"""The public API: every name in ``camdigits.__all__`` imports from the package, is the
object its defining module holds, and ``import camdigits`` alone loads neither OpenCV nor
NumPy."""

import importlib
import json
import subprocess
import sys

import pytest

import camdigits

# Each public name and the module that defines it.
PUBLIC = {
    "CameraStream": "camdigits.io.camera",
    "CamdigitsError": "camdigits.errors",
    "Config": "camdigits.config",
    "Digit": "camdigits.types",
    "Frame": "camdigits.io.frames",
    "FrameResult": "camdigits.types",
    "ImageError": "camdigits.errors",
    "ModelError": "camdigits.errors",
    "Number": "camdigits.types",
    "Recognizer": "camdigits.recognition.recognizer",
    "SkippedInput": "camdigits.io.frames",
    "SourceError": "camdigits.errors",
    "Tracker": "camdigits.tracking",
    "TrackerConfig": "camdigits.tracking",
    "VideoInfo": "camdigits.io.video",
    "decode_image": "camdigits.io.images",
    "image_frames": "camdigits.io.images",
    "open_camera": "camdigits.io.camera",
    "open_video": "camdigits.io.video",
    "read_image": "camdigits.io.images",
    "video_frames": "camdigits.io.video",
}


def test_all_lists_exactly_the_public_names():
    assert sorted(camdigits.__all__) == sorted([*PUBLIC, "__version__"])
    assert len(set(camdigits.__all__)) == len(camdigits.__all__)


@pytest.mark.parametrize("name, module", sorted(PUBLIC.items()))
def test_name_imports_from_the_package(name, module):
    exported = getattr(camdigits, name)
    assert exported is getattr(importlib.import_module(module), name)
    namespace: dict = {}
    exec(f"from camdigits import {name}", namespace)
    assert namespace[name] is exported


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Recogniser'"):
        _ = camdigits.Recogniser
    with pytest.raises(ImportError):
        exec("from camdigits import Recogniser", {})


def test_star_import_gives_every_public_name():
    namespace: dict = {}
    exec("from camdigits import *", namespace)
    assert set(camdigits.__all__) <= set(namespace)


def test_dir_lists_the_lazy_names():
    assert set(camdigits.__all__) <= set(dir(camdigits))


def test_import_is_light_and_sets_the_opencv_pixel_limit():
    # A fresh interpreter: this one has long imported cv2 through other tests.
    code = (
        "import json, os, sys; import camdigits; "
        "print(json.dumps({'cv2': 'cv2' in sys.modules, 'numpy': 'numpy' in sys.modules, "
        "'limit': os.environ.get('OPENCV_IO_MAX_IMAGE_PIXELS')}))"
    )
    env_free = subprocess.run(
        [sys.executable, "-c", f"import os; os.environ.pop('OPENCV_IO_MAX_IMAGE_PIXELS', None); {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    state = json.loads(env_free.stdout)
    assert state == {"cv2": False, "numpy": False, "limit": str(int(camdigits.Config.max_megapixels * 1e6))}


def test_recognizer_from_the_package_reads_a_blank_frame():
    import numpy as np

    result = camdigits.Recognizer().recognize(np.full((120, 160, 3), 255, np.uint8))
    assert isinstance(result, camdigits.FrameResult)
    assert result.digits == () and result.numbers == ()
