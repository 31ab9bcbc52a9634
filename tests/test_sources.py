"""Image reading: every format and pixel layout becomes the same BGR uint8 page, and every
kind of bad file becomes one ImageError naming the file."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest

from camdigits.errors import ImageError
from camdigits.io.frames import Frame, SkippedInput
from camdigits.io.images import image_frames, image_size_from_header, read_image, to_bgr_uint8


def encode(ext: str, image: np.ndarray, *params: int) -> bytes:
    ok, data = cv2.imencode(ext, image, list(params))
    assert ok, ext
    return data.tobytes()


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def transparent_paper(image: np.ndarray) -> np.ndarray:
    """BGRA of black ink whose opacity is the page's darkness, over hidden black: composited
    on white it is the page's grey again, composited on nothing it is all black."""
    alpha = 255 - gray(image)
    return np.dstack([np.zeros_like(image), alpha])


def with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """Insert an EXIF block holding only an orientation tag, as phone cameras write."""
    tiff = b"MM\x00*" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\0" * 4
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


# name -> (file bytes from the scene, largest mean difference from the scene in grey levels)
FORMATS = {
    "png": (lambda s, png: encode(".png", s), 0.0),
    "jpg": (lambda s, png: encode(".jpg", s, cv2.IMWRITE_JPEG_QUALITY, 90), 2.0),
    "bmp": (lambda s, png: encode(".bmp", s), 0.0),
    "tiff": (lambda s, png: encode(".tiff", s), 0.0),
    "webp": (lambda s, png: encode(".webp", s, cv2.IMWRITE_WEBP_QUALITY, 90), 2.5),
    "gray png": (lambda s, png: encode(".png", gray(s)), 0.5),
    "gray+alpha png": (lambda s, png: png(np.dstack([gray(s), np.full(s.shape[:2], 255, np.uint8)]), 4), 0.5),
    "RGBA png, transparent paper": (lambda s, png: encode(".png", transparent_paper(s)), 1.5),
    "16-bit png": (lambda s, png: encode(".png", s.astype(np.uint16) * 257), 0.0),
    "12-bit data in a 16-bit png": (lambda s, png: encode(".png", np.rint(s * (4095 / 255)).astype(np.uint16)), 0.5),
    "16-bit RGBA png": (lambda s, png: encode(".png", cv2.cvtColor(s, cv2.COLOR_BGR2BGRA) * np.uint16(257)), 0.0),
    "float tiff": (lambda s, png: encode(".tiff", s.astype(np.float32) / 255), 0.0),
}


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_reads_as_the_same_bgr_page(name, scene, make_png, tmp_path):
    make, tolerance = FORMATS[name]
    path = tmp_path / "page.img"
    path.write_bytes(make(scene.image, make_png))
    image = read_image(path)
    assert image.dtype == np.uint8 and image.shape == scene.image.shape
    difference = np.abs(gray(image).astype(np.float32) - gray(scene.image))
    assert difference.mean() <= tolerance


@pytest.mark.parametrize(
    "pixels, expected",
    [
        (np.zeros((0, 4), np.uint8), None),  # empty: refused
        (np.zeros((2, 2, 5), np.uint8), None),  # five channels: refused
        (np.full((2, 2), 7, np.uint8), [7, 7, 7]),
        (np.array([[[10, 20, 30, 0]]], np.uint8), [255, 255, 255]),  # fully transparent: white paper
        (np.array([[[0, 0, 0, 128]]], np.uint8), [127, 127, 127]),  # half-transparent black
        (np.array([[[0, 0, 0, 65535]]], np.uint16), [0, 0, 0]),  # 16-bit alpha is full-range
        (np.array([[1000, 65535]], np.uint16), [4, 4, 4]),  # 16-bit data: as >> 8
        (np.array([[1000, 4000]], np.uint16), [62, 62, 62]),  # 12-bit data in 16 bits: 1000/4095
        (np.array([[0.5, 1.0]], np.float32), [128, 128, 128]),  # floats in [0, 1]
        (np.array([[np.nan, 2.0]], np.float32), [0, 0, 0]),  # NaN is black, >1 scaled by max
    ],
)
def test_to_bgr_uint8(pixels, expected):
    if expected is None:
        with pytest.raises(ImageError, match="unsupported pixel layout"):
            to_bgr_uint8(pixels)
        return
    image = to_bgr_uint8(pixels)
    assert image.dtype == np.uint8 and image.shape == (*pixels.shape[:2], 3)
    assert image[0, 0].tolist() == expected


SIZE = (37, 23)  # (w, h): odd sizes so width and height cannot be swapped unnoticed
SMALL = np.random.default_rng(0).integers(0, 255, (SIZE[1], SIZE[0], 3), dtype=np.uint8)


@pytest.mark.parametrize(
    "data, size",
    [
        (b"", None),
        (b"not an image at all", None),
        (encode(".png", SMALL)[:20], None),  # cut inside the header
        (encode(".png", SMALL), SIZE),
        (encode(".jpg", SMALL), SIZE),
        (encode(".jpg", SMALL, cv2.IMWRITE_JPEG_PROGRESSIVE, 1), SIZE),
        (with_exif_orientation(encode(".jpg", SMALL), 6), SIZE),  # stored size, before rotation
        (encode(".bmp", SMALL), SIZE),
        (encode(".tiff", SMALL), SIZE),
        (encode(".tiff", SMALL.astype(np.uint16)), SIZE),
        (encode(".webp", SMALL), SIZE),  # lossy: VP8
        (encode(".webp", SMALL, cv2.IMWRITE_WEBP_QUALITY, 101), SIZE),  # lossless: VP8L
        (encode(".webp", np.dstack([SMALL, SMALL[:, :, 0]])), SIZE),  # with alpha: VP8X
    ],
)
def test_image_size_from_header(data, size):
    assert image_size_from_header(data) == (tuple(size) if size else None)


def test_exif_orientation_of_phone_photos_is_applied(tmp_path):
    path = tmp_path / "portrait.jpg"
    path.write_bytes(with_exif_orientation(encode(".jpg", SMALL), 6))  # 6: rotate 90 degrees clockwise
    assert read_image(path).shape == (SIZE[0], SIZE[1], 3)


def forged_png(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose header claims another size (with a valid checksum)."""
    data = bytearray(encode(".png", np.zeros((1, 1), np.uint8)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


BAD_FILES = [
    # (name, how to make it in tmp_path, what the message says)
    ("empty.png", lambda p: p.write_bytes(b""), r"empty file \(0 bytes\)"),
    ("zero.png", lambda p: p.write_bytes(forged_png(0, 5)), "not a readable image"),  # Pillow refuses the header
    ("missing.png", lambda p: None, "no such file"),
    ("folder.png", lambda p: p.mkdir(), "is a folder"),
    ("truncated.png", lambda p: p.write_bytes(encode(".png", SMALL)[:200]), "not a readable image"),
    ("truncated.jpg", lambda p: p.write_bytes(encode(".jpg", SMALL)[:300]), "not a readable image"),
    ("notes.png", lambda p: p.write_text("shopping list: 4 eggs"), "not a readable image"),
    ("huge.png", lambda p: p.write_bytes(encode(".png", np.full((7100, 7100), 255, np.uint8))), "too large"),
    ("forged.png", lambda p: p.write_bytes(forged_png(100_000, 100_000)), r"too large \(its header claims 10000 MP"),
]


@pytest.mark.parametrize("name, make, message", BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files_raise_one_image_error_naming_the_file(name, make, message, tmp_path):
    path = tmp_path / name
    make(path)
    with pytest.raises(ImageError, match=message) as raised:
        read_image(path)
    assert raised.value.message.startswith(f"{path}: ") and raised.value.hint
    assert "\n" not in str(raised.value)


def test_size_limit_applies_after_decoding_when_the_header_is_unknown(tmp_path):
    path = tmp_path / "page.hdr"  # Radiance HDR: OpenCV decodes it, Pillow cannot read its header
    path.write_bytes(encode(".hdr", SMALL.astype(np.float32) / 255))
    assert read_image(path, max_megapixels=0.001).shape == (SIZE[1], SIZE[0], 3)
    with pytest.raises(ImageError, match="too large"):
        read_image(path, max_megapixels=0.0005)


def test_image_frames_yields_skips_in_place_and_goes_on(scene, tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(encode(".png", scene.image))
    items = list(image_frames([good, tmp_path / "missing.png", str(good)]))
    assert [type(item) for item in items] == [Frame, SkippedInput, Frame]
    assert items[1].source == str(tmp_path / "missing.png") and "no such file" in items[1].error.message
    assert all(item.index == 0 and item.time == 0.0 for item in (items[0], items[2]))
    assert np.array_equal(items[0].image, scene.image)


@pytest.mark.parametrize(
    "image",
    [np.zeros((0, 5, 3), np.uint8), np.zeros((5, 5), np.uint8), np.zeros((5, 5, 4), np.uint8), np.zeros((5, 5, 3))],
)
def test_frame_accepts_only_bgr_uint8(image):
    with pytest.raises(ValueError, match="BGR uint8"):
        Frame(image, "x.png")
