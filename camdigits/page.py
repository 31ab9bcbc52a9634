"""Page context: judgments about one digit that need the other digits of the frame.

A patch is shrunk to 20 px, so it cannot tell a "1" from a long pen line or a "5" from a
wavy doodle three times its size; both reach the model as the same shape and come back
with full confidence. The rest of the page can tell: people write the digits of one page
at about one size, so a "digit" several times taller than its neighbours is a line, an
underline or a drawing, and one a third of their size is a speck or a stray mark.
"""

from __future__ import annotations

import numpy as np

from camdigits.config import Config
from camdigits.types import Digit


def drop_size_outliers(digits: list[Digit], config: Config) -> list[Digit]:
    """The digits whose height is within the page's usual range of sizes.

    Only applies with at least ``config.page_min_digits`` digits; with fewer there is no
    page to compare with, and every digit is kept.
    """
    if len(digits) < config.page_min_digits:
        return digits
    heights = np.array([d.box[3] for d in digits], np.float32)
    relative = heights / _median(heights)
    keep = (relative >= config.min_relative_height) & (relative <= config.max_relative_height)
    return [d for d, kept in zip(digits, keep) if kept]


def _median(values: np.ndarray) -> np.float32:
    """np.median of a few float32 values (the same value: the two middle ones of integer
    heights add up exactly), without its 20-30 us of generality on every frame."""
    ordered = np.sort(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / np.float32(2)
