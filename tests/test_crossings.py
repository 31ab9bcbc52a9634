"""Pen strokes on a page's rules given back (recognition/crossings.py), on drawn masks."""

from __future__ import annotations

import cv2
import numpy as np

from camdigits.recognition.crossings import strokes_on_rules

RULE_Y, RULE_X = 100, 250  # a level and an upright rule, 2 px thick
BAND = 6  # px across each band erased as a rule: the rule and a few px either side
THICKEST = 4.0


def _squared_mask() -> tuple[np.ndarray, np.ndarray]:
    """A mask with one level and one upright rule, and the bands erased as those rules."""
    mask = np.zeros((200, 320), np.uint8)
    mask[RULE_Y : RULE_Y + 2, :] = 255
    mask[:, RULE_X : RULE_X + 2] = 255
    bands = np.zeros_like(mask)
    bands[RULE_Y + 1 - BAND // 2 : RULE_Y + 1 + BAND // 2, :] = 255
    bands[:, RULE_X + 1 - BAND // 2 : RULE_X + 1 + BAND // 2] = 255
    return mask, bands


def test_a_stroke_crossing_a_rule_aslant_is_given_back_and_the_bare_rule_is_not():
    mask, bands = _squared_mask()
    stroke = np.zeros_like(mask)
    cv2.line(stroke, (40, 70), (70, 130), 255, 2)  # crosses the level rule at about 60 degrees
    mask |= stroke
    found = strokes_on_rules(mask, bands, THICKEST)
    crossing = cv2.bitwise_and(stroke, bands)
    assert cv2.countNonZero(cv2.bitwise_and(found, crossing)) >= 0.8 * cv2.countNonZero(crossing)
    assert not found[:, 80 : RULE_X - 10].any()  # the bare rule stays erased
    assert not found[RULE_Y - 4 : RULE_Y + 6, RULE_X - 4 : RULE_X + 6].any()  # so does the crossing of two rules


def test_a_stroke_lying_against_a_rule_is_given_back():
    mask, bands = _squared_mask()
    mask[RULE_Y + 2 : RULE_Y + 4, 120:180] = 255  # a bar written on the line, touching it
    found = strokes_on_rules(mask, bands, THICKEST)
    assert found[RULE_Y + 2 : RULE_Y + 4, 122:178].all()
    assert not found[:, 60:110].any() and not found[:, 190 : RULE_X - 10].any()


def test_bands_thicker_than_a_rule_are_left_erased():
    """A desk's grain found as rules (field desk 23 at 640x480: 5 px): its run across is
    past a printed rule's; the ink crossing it stays erased with it."""
    mask = np.zeros((200, 320), np.uint8)
    mask[RULE_Y - 2 : RULE_Y + 3, :] = 255  # 5 px thick
    bands = np.zeros_like(mask)
    bands[RULE_Y - 6 : RULE_Y + 7, :] = 255
    cv2.line(mask, (40, 70), (70, 130), 255, 2)
    assert not strokes_on_rules(mask, bands, THICKEST).any()


def test_nothing_is_given_back_without_rules_or_ink():
    mask, bands = _squared_mask()
    assert not strokes_on_rules(mask, np.zeros_like(bands), THICKEST).any()
    assert not strokes_on_rules(np.zeros_like(mask), bands, THICKEST).any()


def test_a_stroke_crossing_an_upright_rule_is_given_back():
    """The same stroke and rules turned on their side: the upright rule is judged by level runs."""
    mask, bands = _squared_mask()
    stroke = np.zeros_like(mask)
    cv2.line(stroke, (40, 70), (70, 130), 255, 2)
    mask |= stroke
    turned = strokes_on_rules(np.ascontiguousarray(mask.T), np.ascontiguousarray(bands.T), THICKEST)
    assert np.array_equal(turned.T, strokes_on_rules(mask, bands, THICKEST))
    assert cv2.countNonZero(cv2.bitwise_and(turned.T, stroke)) > 0


def test_a_bold_rule_among_fine_ones_is_judged_by_its_own_run():
    """Graph paper: every fifth line bold (3 px) among fine ones (1 px). Judged by the fine
    lines' median run, the bold lines would come back whole; each is judged by its own."""
    mask = np.zeros((400, 320), np.uint8)
    bands = np.zeros_like(mask)
    for k, y in enumerate(range(10, 400, 20)):  # 20 rules, 4 bold: most ink is the fine rules'
        thickness = 3 if k % 5 == 0 else 1
        mask[y : y + thickness, :] = 255
        bands[y - 2 : y + thickness + 2, :] = 255
    assert not strokes_on_rules(mask, bands, THICKEST).any()


def test_a_rule_along_the_frames_edge_is_not_given_back():
    """The frame's border is no ink: a rule on the top row runs no further across than any."""
    mask = np.zeros((200, 320), np.uint8)
    bands = np.zeros_like(mask)
    for y in (0, 60, 120, 180):
        mask[y : y + 2, :] = 255
        bands[max(0, y - 2) : y + 4, :] = 255
    assert not strokes_on_rules(mask, bands, THICKEST).any()


def test_a_rule_of_uneven_thickness_is_not_given_back():
    """A 2 px rule thresholded 1 px thin in a quarter of its columns and 3 px thick in a
    tenth: its median run is 2, and none of it runs 2 px further."""
    mask = np.zeros((120, 400), np.uint8)
    bands = np.zeros_like(mask)
    for y in (30, 90):
        mask[y : y + 2, :] = 255
        mask[y + 1, 0:400:4] = 0  # 1 px thin
        mask[y + 2, 1:400:10] = 255  # 3 px thick
        bands[y - 2 : y + 5, :] = 255
    assert not strokes_on_rules(mask, bands, THICKEST).any()


def test_a_rule_on_the_frames_last_row_is_judged_by_its_own_ink():
    """A rule on the frame's bottom rows, crossed by a stroke that runs off the frame: the
    border is paper, so the band is level only and the stroke on it is given back."""
    mask = np.zeros((200, 320), np.uint8)
    bands = np.zeros_like(mask)
    for y in (37, 77, 117, 157, 197):
        mask[y : y + 2, :] = 255
        bands[y - 3 : y + 5, :] = 255
    cv2.line(mask, (40, 170), (60, 199), 255, 2)
    assert strokes_on_rules(mask, bands, THICKEST)[194:, 40:70].any()
