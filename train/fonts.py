"""Handwriting font families from the npm registry, fetched once and cached, drawn with Pillow.

Letters written by many hands are what teaches the classifier that an "e" is not an 8. The
Google Fonts handwriting families are published as ``@fontsource/<family>`` packages; each is
fetched with ``npm pack`` at a pinned version (nothing is installed), and only its Latin
regular ``.woff`` is kept under the cache folder (git-ignored, like the MNIST wheel).

The families are split once: training draws from :data:`TRAIN_FAMILIES`; the held-out ones
are never trained on, so an unseen-font test and the field benchmark can use them.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from train.data import DataError, default_cache_dir

FONTSOURCE_VERSION = "5.3.0"
TRAIN_FAMILIES = (
    "caveat",
    "indie-flower",
    "kalam",
    "patrick-hand",
    "homemade-apple",
    "shadows-into-light",
    "dancing-script",
    "permanent-marker",
    "gloria-hallelujah",
    "architects-daughter",
    "rock-salt",
    "nanum-pen-script",
    "reenie-beanie",
    "covered-by-your-grace",
    "satisfy",
    "gochi-hand",
    "schoolbell",
    "cedarville-cursive",
    "handlee",
    "yellowtail",
    "marck-script",
    "neucha",
    "caveat-brush",
    "itim",
    "short-stack",
    "nanum-brush-script",
    "gaegu",
    "playpen-sans",
)
HELD_OUT_FAMILIES = (
    "sacramento",
    "annie-use-your-telescope",
    "sue-ellen-francisco",
    "swanky-and-moo-moo",
    "delius",
    "the-girl-next-door",
    "whisper",
    "yomogi",
    "zen-kurenaido",
    "delicious-handrawn",
    "oooh-baby",
)
FONT_FOLDER = "fonts"  # under the cache folder


def _member(family: str) -> str:
    return f"package/files/{family}-latin-400-normal.woff"


def fetch_font(family: str, cache_dir: Path | None = None) -> Path:
    """The cached ``.woff`` of ``family``, fetched with ``npm pack`` if absent."""
    folder = (cache_dir or default_cache_dir()) / FONT_FOLDER
    target = folder / f"{family}-{FONTSOURCE_VERSION}.woff"
    if target.exists():
        return target
    if shutil.which("npm") is None:
        raise DataError(
            f"cannot fetch the font {family}: npm is not installed",
            hint="install Node.js and npm (apt-get install npm), which fetch the handwriting fonts",
        )
    folder.mkdir(parents=True, exist_ok=True)
    # A folder of this call's own, renamed into place: parallel workers may fetch at once.
    with tempfile.TemporaryDirectory(dir=folder) as staging:
        spec = f"@fontsource/{family}@{FONTSOURCE_VERSION}"
        result = subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", staging],
            capture_output=True,
            text=True,
            check=False,
        )
        packs = list(Path(staging).glob("*.tgz"))
        if result.returncode != 0 or not packs:
            raise DataError(
                f"could not fetch {spec} with npm: {result.stderr.strip()[-300:] or 'no package written'}",
                hint="check access to the npm registry",
            )
        with tarfile.open(packs[0]) as archive:
            # Read the one member by name: nothing from the archive is extracted to a path.
            data = archive.extractfile(_member(family))
            if data is None:
                raise DataError(f"{spec} has no {_member(family)}", hint="pick another family")
            partial = Path(staging) / target.name
            partial.write_bytes(data.read())
        partial.replace(target)
    return target


def fetch_fonts(families: tuple[str, ...], cache_dir: Path | None = None) -> list[Path]:
    return [fetch_font(family, cache_dir) for family in families]


@functools.lru_cache(maxsize=512)
def _truetype(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def draw_glyphs(text: str, font: Path, size_px: int, stroke_px: int = 0) -> np.ndarray:
    """``text`` drawn in ``font`` at ``size_px`` (the font's em size) as white ink on black
    (uint8), cropped to its ink; ``stroke_px`` thickens every stroke by that many px a side
    (a fatter pen). An empty array if the font has no ink for it."""
    from PIL import Image, ImageDraw

    face = _truetype(str(font), int(size_px))
    left, top, right, bottom = face.getbbox(text, stroke_width=stroke_px)
    if right <= left or bottom <= top:
        return np.zeros((0, 0), np.uint8)
    image = Image.new("L", (right - left + 2, bottom - top + 2), 0)
    ImageDraw.Draw(image).text((1 - left, 1 - top), text, fill=255, font=face, stroke_width=stroke_px, stroke_fill=255)
    ink = np.asarray(image)
    rows, cols = np.flatnonzero(ink.max(axis=1)), np.flatnonzero(ink.max(axis=0))
    if not len(rows):
        return np.zeros((0, 0), np.uint8)
    return np.ascontiguousarray(ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
