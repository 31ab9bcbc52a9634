"""Uploaded bytes -> a BGR image, with the command line's decoder, limits and errors.

Everything here works on bytes held in memory: nothing uploaded is written to disk.
The order of the checks is the order of their cost: the content is sniffed from its first
bytes (415 for anything but an image format whose size the header gives), the size is
read from the header and held against the megapixel limit (413) before a pixel is
decoded, and only then does :func:`camdigits.io.images.decode_image` decode (422 if it
cannot).
"""

from __future__ import annotations

import numpy as np
from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header

from camdigits.errors import ImageError, ImageTooLargeError
from camdigits.io.images import HeaderTooLarge, decode_image, image_size_from_header
from camdigits.web.errors import WebError

# Formats the API takes: those whose size camdigits reads from the header before decoding
# (camdigits.io.images.image_size_from_header). GIF is left out on purpose: OpenCV decodes
# it, but a 35-byte GIF can claim 32768x32767 pixels and nothing checks that first.
FORMATS = "png, jpg, bmp, tiff or webp"
UNSUPPORTED_HINT = f"send a {FORMATS} image; the file name and Content-Type are not trusted, its bytes are"


def sniff_format(data: bytes) -> str | None:
    """The image format the first bytes of ``data`` announce, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"BM"):
        return "bmp"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def decode_upload(data: bytes, source: str, max_megapixels: float) -> np.ndarray:
    """An uploaded image as BGR uint8.

    Raises:
        WebError: 415 if it is not an image of a supported format, 413 if it has more
            pixels than ``max_megapixels``, 422 if it cannot be decoded.
    """
    if not data:
        raise WebError(422, f"{source}: empty upload (0 bytes)", f"send the bytes of a {FORMATS} image")
    if sniff_format(data) is None:
        raise WebError(415, f"{source}: not a {FORMATS} image", UNSUPPORTED_HINT)
    # The whole upload, not only the first kilobytes the CLI reads: a JPEG can put its
    # size after megabytes of comments, and the bytes are in memory anyway.
    try:
        if image_size_from_header(data) is None:
            raise WebError(422, f"{source}: no image size in its header", "is it truncated? save it again")
    except HeaderTooLarge as error:
        raise WebError(
            413,
            f"{source}: image too large ({error}, the limit is {max_megapixels:g} MP)",
            "scale it down first, e.g. to 4000 px on the longer side",
        ) from None
    try:
        return decode_image(data, source, max_megapixels)
    except ImageTooLargeError as error:
        raise WebError(413, error.message, error.hint) from error
    except ImageError as error:
        raise WebError(422, error.message, error.hint) from error


def file_from_multipart(body: bytes, content_type: str) -> tuple[str, bytes]:
    """(file name, bytes) of the one file part of a multipart/form-data body.

    Parsed in memory with python-multipart's low-level parser: Starlette's form parsing
    would spool a file over 1 MB to a temporary file on disk.

    Raises:
        WebError: 422 for a malformed body, none or several files.
    """
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise WebError(422, "multipart body without a boundary", "send it as a browser form does, or the raw bytes")
    parts: list[tuple[dict[bytes, bytes], bytearray]] = []
    header = [b"", b""]

    def begin() -> None:
        parts.append(({}, bytearray()))

    def field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def header_end() -> None:
        parts[-1][0][header[0].lower()] = header[1]
        header[:] = [b"", b""]

    def part_data(data: bytes, start: int, end: int) -> None:
        parts[-1][1].extend(data[start:end])

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": begin,
            "on_header_field": field,
            "on_header_value": value,
            "on_header_end": header_end,
            "on_part_data": part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except MultipartParseError as error:
        raise WebError(422, f"malformed multipart body ({error})", "send it as a browser form does") from error
    files = []
    for headers, data in parts:
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        if b"filename" in disposition:
            files.append((disposition[b"filename"].decode("utf-8", "replace") or "upload", bytes(data)))
    if len(files) != 1:
        raise WebError(
            422,
            f"expected one file in the form, got {len(files)}",
            "send one image per request, in a field of type file",
        )
    return files[0]
