"""Shared fixtures: a page of real MNIST test digits with known answers, and a PNG writer for
the layouts OpenCV cannot encode (gray+alpha, zero size)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass

import numpy as np
import pytest

from camdigits.types import Box
from tests.pages import blank_page, mnist_test, write_digit

DIGIT_HEIGHT = 60  # px: a comfortable size on a 640x480 page
BOX_TOLERANCE = 6  # px: segmentation may trim or keep faint anti-aliased edges of the ink


@dataclass(frozen=True)
class Scene:
    """A 640x480 page reading "407" and, apart from it, "5"."""

    image: np.ndarray  # BGR uint8
    digits: tuple[tuple[int, Box], ...]  # (label, ink box) in reading order
    numbers: tuple[str, ...]

    def check(self, record: dict) -> None:
        """Assert that a JSON Lines record read this scene: labels, numbers and boxes."""
        assert (record["width"], record["height"]) == (self.image.shape[1], self.image.shape[0])
        assert [n["text"] for n in record["numbers"]] == list(self.numbers)
        assert [d["label"] for d in record["digits"]] == [label for label, _ in self.digits]
        for found, (_, box) in zip(record["digits"], self.digits, strict=True):
            assert np.abs(np.subtract(found["box"], box)).max() <= BOX_TOLERANCE, (found["box"], box)


@pytest.fixture(scope="session")
def scene() -> Scene:
    x_test, y_test = mnist_test()
    page = blank_page()
    digits = []
    # MNIST test images 4, 3, 0 are a 4, a 0 and a 7; image 15 is a 5.
    for index, x, y in ((4, 80, 150), (3, 140, 150), (0, 200, 150), (15, 450, 300)):
        digits.append((int(y_test[index]), write_digit(page, index, x, y, DIGIT_HEIGHT)))
    return Scene(page, tuple(digits), ("407", "5"))


def png_bytes(pixels: np.ndarray, colour_type: int, bit_depth: int = 8, size: tuple[int, int] | None = None) -> bytes:
    """A minimal PNG file. ``colour_type`` 0 gray, 2 RGB, 4 gray+alpha, 6 RGBA; ``size``
    (w, h) overrides the header's size, e.g. to make a zero-size image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height, width = pixels.shape[:2]
    width, height = size or (width, height)
    dtype = ">u2" if bit_depth == 16 else np.uint8
    rows = b"".join(b"\x00" + row.astype(dtype).tobytes() for row in pixels[:height])
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def make_png():
    """:func:`png_bytes`, for tests that need PNG layouts OpenCV does not write."""
    return png_bytes


@pytest.fixture
def virtual_display():
    """A private X server (Xvfb), so windows can be opened and sent keys in tests."""
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1280x1024x24"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    display = ":" + server.stdout.readline().strip()
    yield display
    server.terminate()
    server.wait(timeout=10)
