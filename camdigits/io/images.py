"""Image files -> frames: one frame per image, its size read from the header first.

Every frame is BGR uint8, whatever the file held: grayscale, alpha, 16-bit and float
images are converted here (see :func:`to_bgr_uint8`), so no later stage has to care.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

from camdigits.config import Config
from camdigits.errors import ImageError, ImageTooLargeError, SourceError
from camdigits.io.frames import Frame, SkippedInput
from camdigits.quiet import native_stderr_silenced, quiet_opencv

UNREADABLE_HINT = "is it truncated, or not a png, jpg, bmp, tiff or webp file? try opening it in an image viewer"
_JPEG_MAGIC = b"\xff\xd8"
# Bit depths that cameras and scanners store in 16- (or 32-) bit integer images.
SENSOR_BIT_DEPTHS = (8, 10, 12, 14, 16, 32)
# Bytes a file may hold per pixel of the largest image accepted, and bytes of metadata
# beyond: 32-bit float RGBA, uncompressed, takes 16 bytes a pixel, and EXIF, ICC profiles
# and thumbnails a few MB. A larger file is read no further.
MAX_BYTES_PER_PIXEL = 16
MAX_METADATA_BYTES = 64 * 2**20
# Image formats whose size Pillow reads from the header, of those OpenCV decodes. Pillow
# knows others (MPEG, for one) that must not make a video look like an image.
HEADER_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "DIB", "TIFF", "WEBP", "PPM", "SUN", "JPEG2000", "AVIF")


def image_frames(
    paths: Iterable[str | Path], max_megapixels: float = Config.max_megapixels
) -> Iterator[Frame | SkippedInput]:
    """One frame per image file, or a :class:`SkippedInput` for each file that cannot be read."""
    for path in paths:
        try:
            yield Frame(read_image(path, max_megapixels), source=str(path))
        except ImageError as error:
            yield SkippedInput(str(path), error)


def read_image(path: str | Path, max_megapixels: float = Config.max_megapixels) -> np.ndarray:
    """Read an image file as BGR uint8, refusing empty, zero-size and oversized images.

    Bytes are read with ``np.fromfile`` and decoded with ``cv2.imdecode`` because
    ``cv2.imread`` cannot open non-ASCII paths on Windows. The size in the file header is
    checked before decoding (:func:`image_size_from_header`), so a 100-megapixel photo (or
    a forged header) is refused without allocating gigabytes. A format whose header Pillow
    cannot read is decoded under OpenCV's own pixel limit (set in ``camdigits/__init__``),
    and its size checked after.

    Raises:
        ImageError: naming the file, with a hint for fixing it.
    """
    size = _check_regular_file(Path(path), "image", f"pass the images inside it, e.g. {Path(path) / '*.png'}")
    most = max_megapixels * 1e6 * MAX_BYTES_PER_PIXEL + MAX_METADATA_BYTES
    if size > most:
        raise ImageError(
            f"{path}: file too large for an image of at most {max_megapixels:g} MP "
            f"({size / 1e6:.0f} MB, the most such an image takes is {most / 1e6:.0f} MB)",
            "is it an image? scale it down first, e.g. to 4000 px on the longer side",
        )
    return decode_image(_read_bytes(Path(path)), str(path), max_megapixels)


def decode_image(data: bytes | np.ndarray, source: str, max_megapixels: float = Config.max_megapixels) -> np.ndarray:
    """Decode an image held in memory (a file's bytes, an upload) as BGR uint8, with the
    same checks as :func:`read_image`: empty and zero-size images are refused, and so is an
    image over ``max_megapixels``, from its header (read by Pillow) before decoding where
    the header says.

    Raises:
        ImageError: naming ``source``, with a hint; :class:`ImageTooLargeError` for size.
    """
    data = np.frombuffer(data, np.uint8) if isinstance(data, (bytes, bytearray, memoryview)) else data
    if data.size == 0:
        raise ImageError(f"{source}: empty file (0 bytes)", "it was probably cut off while copying; copy it again")
    try:
        header_size = image_size_from_header(io.BytesIO(data))
    except HeaderTooLarge as error:
        raise ImageTooLargeError(
            f"{source}: image too large ({error}, the limit is {max_megapixels:g} MP)",
            "scale it down first, e.g. to 4000 px on the longer side",
        ) from None
    if header_size is not None:
        _check_size(source, *header_size, max_megapixels)
    image = _decode(data)
    if image is None:
        raise ImageError(f"{source}: not a readable image", UNREADABLE_HINT)
    _check_size(source, image.shape[1], image.shape[0], max_megapixels)
    return to_bgr_uint8(image, source)


def _check_regular_file(path: Path, kind: str, folder_hint: str) -> int:
    """The size in bytes of the file at ``path``, after refusing a folder, a missing path,
    and devices, pipes and sockets (``/dev/zero`` would be read for ever, a pipe consumed),
    each in words that say which it is. ``kind``: "image" or "video"."""
    error = ImageError if kind == "image" else SourceError
    thing = "an image" if kind == "image" else "a video"
    try:
        status = path.stat()
    except FileNotFoundError:
        raise error(f"{path}: no such file", "check the path and its spelling") from None
    except OSError as exc:
        raise error(f"{path}: cannot read the file ({exc.strerror or exc})", "check its permissions") from exc
    if stat.S_ISDIR(status.st_mode):
        raise error(f"{path}: is a folder, not {thing}", folder_hint)
    if not stat.S_ISREG(status.st_mode):
        raise error(
            f"{path}: not a regular file (a device, pipe or socket), not {thing}",
            f"pass {thing} file; save a stream to a file first",
        )
    return status.st_size


class HeaderTooLarge(Exception):
    """Pillow refused a header whose size it takes for a decompression bomb."""


def _read_bytes(path: Path) -> np.ndarray:
    try:
        return np.fromfile(path, dtype=np.uint8)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file", "check the path and its spelling") from None
    except OSError as error:
        message = f"{path}: cannot read the file ({error.strerror or error})"
        raise ImageError(message, "check its permissions") from error


def _decode(data: np.ndarray) -> np.ndarray | None:
    """Decode with OpenCV's own log and the codecs' messages (libpng, libjpeg) silenced:
    their warnings about broken files would bury the one line we print instead.

    JPEGs are decoded as colour because only that flag applies the EXIF orientation that
    phones use to mark portrait photos (IMREAD_UNCHANGED ignores it); a JPEG has no alpha
    channel and is 8-bit, so nothing else is lost. Other formats keep alpha and bit depth.
    """
    flag = cv2.IMREAD_COLOR if data[:2].tobytes() == _JPEG_MAGIC else cv2.IMREAD_UNCHANGED
    with quiet_opencv(), native_stderr_silenced():
        try:
            return cv2.imdecode(data, flag)
        except cv2.error:
            return None  # OpenCV raises for some malformed headers, and over its pixel limit


def _check_size(path: str | Path, width: int, height: int, max_megapixels: float) -> None:
    if width <= 0 or height <= 0:
        message = f"{path}: image has zero size ({width}x{height} px)"
        raise ImageError(message, "the file holds no pixels; export it again")
    megapixels = width * height / 1e6
    if megapixels > max_megapixels:
        raise ImageTooLargeError(
            f"{path}: image too large ({width}x{height} px = {megapixels:.0f} MP, the limit is {max_megapixels:g} MP)",
            "scale it down first, e.g. to 4000 px on the longer side",
        )


def to_bgr_uint8(image: np.ndarray, source: str | Path = "image") -> np.ndarray:
    """Any decoded image -> BGR uint8 (H, W, 3).

    - gray (H, W) or (H, W, 1): copied into three channels;
    - gray+alpha or BGRA: composited on white, so a transparent background reads as paper
      (the colour hidden under transparent pixels is often black);
    - more than 8 bits: integers are divided by the full range of the smallest sensor bit
      depth that holds the image's maximum (see ``SENSOR_BIT_DEPTHS``). A 16-bit image maps
      as with ``>> 8``, keeping its brightness, while 10- or 12-bit camera data stored in a
      16-bit file still spans 0-255 instead of turning almost black. Floats in [0, 1] are
      scaled by 255, other floats by their maximum. Alpha is always full-range.
    """
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4) or 0 in image.shape:
        raise ImageError(f"{source}: unsupported pixel layout {image.shape}", "save it as an 8-bit RGB png or jpg")
    channels = image.shape[2]
    has_alpha = channels in (2, 4)
    colour = _scale_to_unit(image[:, :, : channels - 1] if has_alpha else image, source)
    if has_alpha:
        alpha = image[:, :, channels - 1 :].astype(np.float32)
        alpha /= _full_range(image.dtype)
        colour = colour * alpha + (1.0 - alpha)  # white is 1.0
    if colour.shape[2] == 1:
        colour = np.repeat(colour, 3, axis=2)
    return np.clip(np.rint(colour * 255.0), 0, 255).astype(np.uint8)


def _scale_to_unit(colour: np.ndarray, source: str | Path) -> np.ndarray:
    """Colour channels -> float32 in [0, 1] (see :func:`to_bgr_uint8` for the rules)."""
    if colour.dtype == np.uint8:
        return colour.astype(np.float32) / 255.0
    if not (np.issubdtype(colour.dtype, np.integer) or np.issubdtype(colour.dtype, np.floating)):
        raise ImageError(f"{source}: unsupported pixel type {colour.dtype}", "save it as an 8-bit RGB png or jpg")
    values = np.nan_to_num(colour.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    np.maximum(values, 0.0, out=values)
    peak = float(values.max())
    if np.issubdtype(colour.dtype, np.integer):
        full_range = next((2.0**bits - 1 for bits in SENSOR_BIT_DEPTHS if peak < 2**bits), peak)
        return values / full_range
    return values / peak if peak > 1.0 else values


def _full_range(dtype: np.dtype) -> float:
    return float(np.iinfo(dtype).max) if np.issubdtype(dtype, np.integer) else 1.0


# --- image size from the file header, before decoding -----------------------------------


def image_size_from_header(source: bytes | BinaryIO) -> tuple[int, int] | None:
    """(width, height) from the header of an image (bytes, or a binary file at its start)
    in one of HEADER_FORMATS, read by Pillow, which reads only the header: a GIF's screen,
    a JPEG's frame after any number of other segments, a TIFF's directory wherever it lies.

    None means "unknown", never "bad": the decoder then decides, and the size is checked
    after decoding instead.

    Raises:
        HeaderTooLarge: Pillow took the size for a decompression bomb (over 179 MP).
    """
    from PIL import Image  # here: only images need it, and `import camdigits` stays fast

    file = io.BytesIO(source) if isinstance(source, bytes) else source
    Image.init()
    formats = [name for name in HEADER_FORMATS if name in Image.OPEN]  # AVIF came with Pillow 11
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # one line of ours instead
            with Image.open(file, formats=formats) as image:
                return image.size
    except Image.DecompressionBombError as error:
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        raise HeaderTooLarge(
            f"its header claims {int(pixels[1]) / 1e6:.0f} MP"
            if pixels
            else "its header claims a size Pillow takes for a decompression bomb"
        ) from None
    except (OSError, SyntaxError, ValueError, struct.error, EOFError, IndexError, KeyError, TypeError):
        return None  # not one of HEADER_FORMATS, or a header too broken to read
