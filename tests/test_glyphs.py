"""Glyph sources for training and benchmark data: Hershey stroke fonts and handwriting fonts.

The data they draw must not change with a library's text renderer, so each is pinned here
by the exact pixels it draws (with the versions in constraints.txt)."""

import hashlib

import numpy as np
import pytest

from train.fonts import FONTSOURCE_VERSION, HELD_OUT_FAMILIES, TRAIN_FAMILIES, draw_glyphs, fetch_font
from train.glyphs import FONTS, draw_text, text_strokes


def digest(image: np.ndarray) -> str:
    return hashlib.sha256(image.tobytes()).hexdigest()[:16]


def test_hershey_text_is_drawn_from_stroke_data_to_the_same_pixels():
    image = draw_text("AEHKaehk?#", "scripts", 40, 3, pad=4)
    assert image.shape == (76, 362)
    assert digest(image) == "ca7dc92059ad0e03"


@pytest.mark.parametrize("font", FONTS)
def test_every_hershey_family_draws_letters_at_the_asked_height(font):
    strokes = text_strokes("E", font, 100)
    assert strokes, font
    ys = np.concatenate([s[:, 1] for s in strokes])
    assert 90 <= ys.max() - ys.min() <= 110  # a capital is the cap height tall
    assert min(s.min() for s in strokes) >= 0  # the ink starts at the origin


def test_empty_text_draws_an_empty_canvas():
    assert not draw_text("", "rowmans", 40, 2).any()
    assert text_strokes(" ", "rowmans", 40) == []


def test_handwriting_fonts_are_fetched_once_and_drawn_to_the_same_pixels():
    path = fetch_font("caveat")
    assert path.name == f"caveat-{FONTSOURCE_VERSION}.woff" and path.stat().st_size > 10_000
    assert fetch_font("caveat") == path  # cached: no second fetch
    image = draw_glyphs("every 2026", path, 48, 1)
    assert image.shape == (40, 177)
    assert digest(image) == "6de3ca35da5649f8"
    assert draw_glyphs(" ", path, 48).size == 0


def test_held_out_families_are_never_trained_on():
    assert not set(TRAIN_FAMILIES) & set(HELD_OUT_FAMILIES)
    assert len(TRAIN_FAMILIES) >= 20 and len(HELD_OUT_FAMILIES) >= 8
