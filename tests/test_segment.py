"""Thresholding and candidate finding on pages with real MNIST test digits."""

import math
from dataclasses import replace

import cv2
import numpy as np
import pytest

from bench.mnist_grids import grid_page
from bench.scenes import render_scene
from camdigits.config import Config
from camdigits.recognition.candidates import Candidate, _grain, find_candidates, part_of, shaded, sharpened
from camdigits.recognition.fragments import merge_fragments
from camdigits.recognition.recognizer import Recognizer
from camdigits.recognition.threshold import binarize, is_dark_background, threshold_mask, to_dark_ink
from tests.pages import PAPER, PEN, blank_page, first_of_each_label, mnist_test, page_with_row, write_digit

CONFIG = Config()


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    inter = max(w, 0) * max(h, 0)
    return inter / (aw * ah + bw * bh - inter)


def candidates_of(page, config=CONFIG):
    paper = to_dark_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), config)
    return find_candidates(paper, binarize(paper, config), config)


def boxes_of(page, config=CONFIG):
    return sorted(c.box for c in candidates_of(page, config))


@pytest.mark.parametrize(
    "gray",
    [np.zeros((0, 0), np.uint8), np.full((480, 640), PAPER, np.uint8), np.full((10, 10), 0, np.uint8)],
    ids=["empty", "blank-paper", "black"],
)
def test_no_ink_on_blank_frames(gray):
    paper = to_dark_ink(gray, CONFIG)
    mask = binarize(paper, CONFIG)
    assert mask.shape == gray.shape
    assert not mask.any()
    assert find_candidates(paper, mask, CONFIG) == []


def test_lighting_gradient_is_not_ink():
    ramp = np.linspace(90, 250, 640, dtype=np.float32)[None, :].repeat(480, axis=0)
    shade = ramp * np.linspace(0.7, 1.0, 480, dtype=np.float32)[:, None]
    assert not boxes_of(cv2.cvtColor(shade.astype(np.uint8), cv2.COLOR_GRAY2BGR))


def test_each_digit_found_with_tight_box():
    page, truth = page_with_row(first_of_each_label()[:6], height=50, gap=1.2)
    found = boxes_of(page)
    assert len(found) == len(truth)
    for (_, box), got in zip(truth, found):
        assert iou(box, got) > 0.8


@pytest.mark.parametrize("height", [14, 30, 120])
def test_digit_sizes(height):
    page = blank_page()
    box = write_digit(page, first_of_each_label()[3], 200, 100, height)
    found = boxes_of(page)
    assert len(found) == 1 and iou(box, found[0]) > 0.7


def test_light_ink_on_dark_board_is_found_like_dark_on_light():
    page, truth = page_with_row(first_of_each_label()[:4], height=50)
    board = 255 - page
    gray = cv2.cvtColor(board, cv2.COLOR_BGR2GRAY)
    assert is_dark_background(gray, CONFIG)
    assert len(boxes_of(board)) == len(truth)


@pytest.mark.parametrize(
    "draw",
    [
        lambda p: cv2.circle(p, (300, 200), 2, (40, 40, 40), -1),  # a dot
        lambda p: cv2.line(p, (50, 240), (600, 250), (40, 40, 40), 3),  # a long line
        lambda p: cv2.rectangle(p, (250, 150), (400, 300), (40, 40, 40), -1),  # a filled object
        lambda p: cv2.rectangle(p, (-5, -5), (700, 500), (40, 40, 40), 20),  # page edge / frame
        lambda p: cv2.circle(p, (320, 240), 90, (40, 40, 40), -1),  # a round object
        lambda p: cv2.rectangle(p, (300, 200), (314, 216), (40, 40, 40), -1),  # a small filled shape
    ],
    ids=["dot", "long-line", "filled-blob", "page-edge", "round-object", "small-filled-shape"],
)
def test_non_digit_marks_are_dropped(draw):
    page = blank_page()
    draw(page)
    assert boxes_of(page) == []


def test_small_digits_are_not_taken_for_filled_shapes():
    """The first 280 MNIST test digits 12 px tall in bench.mnist_grids' grids: at least 272
    become candidates (277 measured) and 255 are read right (260). Their thresholded masks
    are mostly ink, as the threshold's rim fills a small digit's box: judged by that mask
    rather than by their ink tightened to its darker half, 260 became candidates and 245
    were read."""
    images, labels = mnist_test()
    recognizer = Recognizer()
    found = read = 0
    for start in range(0, 280, 70):
        page, truth = grid_page(images[start : start + 70], labels[start : start + 70], 12)
        candidates = recognizer.candidates(page)[1]
        digits = recognizer.recognize(page).digits
        found += sum(any(iou(c.box, box) >= 0.5 for c in candidates) for _, box in truth)
        read += sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in digits) for label, box in truth)
    assert found >= 272
    assert read >= 255


@pytest.mark.parametrize("radius", [4, 6, 8, 12, 15])
def test_small_filled_discs_are_read_as_no_digit(radius):
    """A drawn disc this size fills 0.68-0.74 of its box once tightened, under the density a
    filled shape is dropped at (at 0.65, thick digits were lost): it reaches the classifier,
    which reads it as no digit (all but the one of radius 8 reached it before too)."""
    page = blank_page()
    cv2.circle(page, (320, 240), radius, (40, 40, 40), -1)
    assert Recognizer().recognize(page).digits == ()


def test_digit_inside_a_drawn_box_stays_separate():
    """The frame may remain a candidate (the classifier rejects it); it must not swallow the digit."""
    page = blank_page()
    box = write_digit(page, first_of_each_label()[4], 280, 180, 60)
    cv2.rectangle(page, (box[0] - 30, box[1] - 30), (box[0] + box[2] + 30, box[1] + box[3] + 30), (40, 40, 40), 2)
    assert max(iou(box, found) for found in boxes_of(page)) > 0.8


def test_digit_cut_by_frame_border_is_dropped():
    page = blank_page()
    write_digit(page, first_of_each_label()[2], 600, 200, 60)  # runs off the right edge
    assert boxes_of(page) == []


def test_broken_digit_fragments_are_merged():
    page = blank_page()
    box = write_digit(page, first_of_each_label()[5], 280, 180, 80)
    # A pen that skipped: a white gap across the digit splits it into a top and a bottom.
    gap_y = box[1] + box[3] // 3
    page[gap_y : gap_y + 4, box[0] - 2 : box[0] + box[2] + 2] = PAPER
    found = boxes_of(page)
    assert len(found) == 1 and iou(box, found[0]) > 0.9


def test_small_digits_under_a_large_one_are_not_its_fragments():
    """A 2 written 200 px tall and, 45 px under it, a 4 and a 7 40 px tall side by side: within
    a quarter of the large digit's height, where a piece of a digit (a 5's bar) may lie, but
    farther than their own size. Before, both were joined to the 2 as its pieces: one blob,
    read as a 2, and the 4 and the 7 were lost."""
    two, four, seven = (first_of_each_label()[d] for d in (2, 4, 7))
    page = blank_page()
    big = write_digit(page, two, 200, 10, 200)
    bottom = big[1] + big[3]
    small = [write_digit(page, index, x, bottom + 45 - 8, 40) for index, x in ((four, 300), (seven, 360))]
    assert all(box[1] - bottom >= 44 for box in small), "the small digits should lie 45 px under the 2"
    found = boxes_of(page)
    for box in [big, *small]:
        assert any(iou(box, f) > 0.8 for f in found), box
    assert sorted(d.label for d in Recognizer().recognize(page).digits) == [2, 4, 7]


@pytest.mark.parametrize("gap", [12, 15, 18])
def test_small_digits_over_a_heading_digit_are_not_its_fragments(gap):
    """A 0 and a 1 about 18 px tall, ``gap`` px over an 8 about 180 px tall, as a heading
    digit's page has them: nearer than their own size, where a speck of the 8 may lie. Before,
    both were joined to the 8 as its pieces, and the 0 and the 1 were lost (3 of 880 digits of
    the field set's mixed-size pages lay so)."""
    zero, one, eight = (first_of_each_label()[d] for d in (0, 1, 8))
    page = blank_page()
    big = write_digit(page, eight, 200, 90, 220)
    small = [write_digit(page, index, x, 0, 18) for index, x in ((zero, 250), (one, 275))]
    shift = big[1] - gap - max(box[1] + box[3] for box in small)
    page[:] = blank_page()
    big = write_digit(page, eight, 200, 90, 220)
    small = [write_digit(page, index, x, shift, 18) for index, x in ((zero, 250), (one, 275))]
    assert big[1] - max(box[1] + box[3] for box in small) == gap
    assert all(big[0] <= box[0] and box[0] + box[2] <= big[0] + big[2] for box in small)
    found = boxes_of(page)
    for box in [big, *small]:
        assert any(iou(box, f) > 0.7 for f in found), box
    assert sorted(d.label for d in Recognizer().recognize(page).digits) == [0, 1, 8]


def test_digits_half_the_frame_tall_are_read():
    """100 random test digits, each 240 px tall on a 480 px page: their strokes are wider
    than the threshold's window sees, which leaves them hollow, and their holes as dark as the
    ink are filled. At least 97 are read right (99 measured; 92 with hollow strokes)."""
    _, labels = mnist_test()
    recognizer = Recognizer()
    indices = np.random.default_rng(3).choice(len(labels), 100, replace=False)
    read = 0
    for index in indices.tolist():
        page = blank_page()
        write_digit(page, index, 320 - 168, 240 - 168, 240)
        read += [d.label for d in recognizer.recognize(page).digits] == [labels[index]]
    assert read >= 97


def _row_over_a_dash(dash_from: int, dash_to: int, height: int = 22, dash_px: int = 2) -> tuple[np.ndarray, list]:
    """A row of MNIST test digits and, 4 px under their bottoms, a dash a little tilted: what
    the rule search leaves of a rule on a page that bends, between two lines of digits."""
    page, truth = page_with_row(first_of_each_label()[:6], height=height, gap=0.8, y=200)
    bottom = max(y + h for _, (x, y, w, h) in truth) + 4
    cv2.line(page, (dash_from, bottom), (dash_to, bottom + 2), (PEN, PEN, PEN), dash_px)
    return page, truth


def test_a_rules_dash_under_a_line_of_digits_does_not_join_them():
    """Before: the dash shared columns with, and lay a pen's gap from, each digit over it, so
    they were one blob far wider than a digit, and none of them was a candidate."""
    page, truth = _row_over_a_dash(40, 200)
    found = boxes_of(page)
    for _, box in truth:
        if box[0] + box[2] <= 200:
            assert any(iou(box, f) > 0.8 for f in found), box


def test_a_rules_dash_under_one_digit_does_not_take_it_down():
    """A dash four digit heights long under one digit: joined, they would be too wide for a digit."""
    page, truth = _row_over_a_dash(30, 130)
    box = truth[0][1]
    assert box[0] >= 30 and box[0] + box[2] <= 130  # the dash runs under the first digit only
    assert any(iou(box, f) > 0.8 for f in boxes_of(page))


@pytest.mark.parametrize(("seed", "label"), [(14, 0), (10, 2)])
def test_the_flat_pieces_of_a_thick_digit_a_pen_skipped_still_join(seed, label):
    """bench.scenes' broken digits whose pieces include flat ones: the top arc of a thick 0,
    the foot of a 2 joined to two slices side by side. They are pieces as thick as the
    digit's stroke, not a rule's dash."""
    scene = render_scene("broken", seed)
    result = Recognizer().recognize(scene.image)
    box = next(box for truth, box in scene.digits if truth == label and box[3] > 60)
    assert any(d.label == label and iou(d.box, box) > 0.8 for d in result.digits)


def test_candidate_ink_excludes_neighbours():
    page, truth = page_with_row(first_of_each_label()[:2], height=60, gap=0.05)
    candidates = candidates_of(page)
    for candidate in candidates:
        h, w = candidate.ink.shape
        assert (h, w) == (candidate.box[3], candidate.box[2])
        assert candidate.ink.dtype == np.uint8 and set(np.unique(candidate.ink)) <= {0, 255}
    assert len(candidates) == 2


def test_shaded_ink_is_the_mask_at_its_grey_levels():
    """On the mask's pixels only, every one inked; 255 in the strokes' middle, lighter at
    their anti-aliased edges; and a part cut from the blob is shaded as the whole was."""
    page, _ = page_with_row(first_of_each_label()[8:9], height=60)
    (candidate,) = candidates_of(page)
    shade = shaded(candidate)
    assert np.array_equal(shade > 0, candidate.ink > 0)
    assert shade.max() == 255 and np.mean(shade[shade > 0] < 200) >= 0.1
    h, w = candidate.ink.shape
    top = part_of(candidate, candidate.ink, 0, 0, w, h // 2)
    assert top.box == (*candidate.box[:3], h // 2)
    assert np.array_equal(shaded(top), shade[: h // 2])


def test_a_blurred_small_zero_is_sharpened_against_its_own_darkest_ink():
    """A 0 18 px tall blurred until its ring is grey 100-150, cut from a blob whose ink level
    (30) a darker neighbour set: shaded against that level its ring stays light grey; sharpened,
    against its own darkest ink and squared, the ring's core reaches 255 and its blurred
    edges fall away, on the mask's pixels only."""
    grey = np.full((18, 14), 200, np.uint8)
    cv2.ellipse(grey, (7, 9), (4, 6), 0, 0, 360, 80, 2)
    grey = cv2.GaussianBlur(grey, (0, 0), 1.2)
    ink = np.where(grey <= 170, 255, 0).astype(np.uint8)
    zero = Candidate(box=(0, 0, 14, 18), ink=ink, grey=grey, levels=(200, 30))
    shade, sharp = shaded(zero), sharpened(zero)
    assert np.array_equal(sharp > 0, ink > 0)
    assert shade.max() < 160 and sharp.max() == 255
    edges = (shade > 0) & (shade < shade.max() / 2)
    assert (sharp[edges] / 255).mean() < 0.6 * (shade[edges] / shade.max()).mean()
    assert np.array_equal(sharpened(replace(zero, grey=None)), ink)  # no grey levels: its mask


@pytest.mark.parametrize("condition", ["clean", "touching", "distractors", "board"])
def test_own_ink_shortcut_matches_filled_outline(condition):
    """A blob no other box meets takes its ink straight from the mask; that must be the
    same ink the filled outline gives (holes cut out as before)."""
    from bench.scenes import render_scene
    from camdigits.recognition.blobs import alone_boxes, holes_of, outer_contours, own_ink

    paper = to_dark_ink(cv2.cvtColor(render_scene(condition, 3).image, cv2.COLOR_BGR2GRAY), CONFIG)
    mask = binarize(paper, CONFIG)
    contours, outer, links = outer_contours(mask)
    boxes = np.array([cv2.boundingRect(contours[i]) for i in outer], np.int64)
    alone = alone_boxes(boxes)
    assert alone.sum() > 0
    with_holes = 0
    for i in np.flatnonzero(alone):
        box, holes = tuple(boxes[i].tolist()), holes_of(contours, links, outer[i])
        with_holes += bool(holes)
        own = contours[outer[i]]
        assert np.array_equal(own_ink(mask, own, holes, box, True), own_ink(mask, own, holes, box, False))
    assert with_holes > 0  # a 0, 6, 8 or 9: holes cut out both ways


@pytest.mark.parametrize("offset", [10.0, 7.5, 0.0, -3.0])
@pytest.mark.parametrize("window", [3, 37, 101])
def test_local_threshold_is_adaptive_threshold(window, offset):
    """The spelt-out threshold gives OpenCV's mask exactly, dark and saturated areas included."""
    from camdigits.recognition.threshold import local_threshold

    rng = np.random.default_rng(window)
    gray = rng.integers(0, 256, (120, 160), dtype=np.uint8)
    gray[:40, :60] = rng.integers(0, 12, (40, 60), dtype=np.uint8)  # mean below the offset
    gray[80:, 100:] = 255  # blown out
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    expected = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, offset)
    assert np.array_equal(local_threshold(gray, window, offset), expected)


def ruled(page: np.ndarray, spacing: int = 45, squared: bool = False, tilt: float = 0.0) -> np.ndarray:
    """``page`` with grey-blue printed rules (and columns, if squared) every ``spacing`` px."""
    lined = page.copy()
    h, w = page.shape[:2]
    drift = int(round(np.tan(np.radians(tilt)) * w))
    for y in range(spacing // 2, h + abs(drift), spacing):
        cv2.line(lined, (0, y), (w - 1, y - drift), (190, 160, 140), 2, cv2.LINE_AA)
    if squared:
        for x in range(spacing // 3, w, spacing):
            cv2.line(lined, (x, 0), (x, h - 1), (190, 160, 140), 2, cv2.LINE_AA)
    return np.minimum(lined, page)  # pen ink stays on top of the print


@pytest.mark.parametrize("squared, tilt", [(False, 0.0), (True, 0.0), (False, 1.5)])
def test_rules_are_erased_and_digits_crossing_them_kept(squared, tilt):
    indices = first_of_each_label()
    # Rules cross the digits at about a third of their height (strokes along a rule: below).
    page, truth = page_with_row([indices[d] for d in (0, 2, 4, 6)], height=60, gap=1.2, x=40, y=180)
    lined = ruled(page, squared=squared, tilt=tilt)
    found = boxes_of(lined)
    assert len(found) == len(truth), found  # no bits of rule, every digit one blob
    for (_, box), got in zip(sorted(truth, key=lambda t: t[1]), found):
        assert iou(box, got) >= 0.7, (box, got)


def test_a_pen_stroke_along_a_faint_rule_is_kept():
    """The bar of a 4 written on the line: the rule search erases the rule with the stroke
    on it, and the stroke, far darker than the printed rule, is given back from the depth.
    (Its run across the rule does not give it back: this rule is thresholded 5 px thick,
    past a printed rule's 4 at 480p, as a desk's grain is; crossings.strokes_on_rules.)"""
    from camdigits.recognition.rules import erase_rules
    from camdigits.recognition.threshold import threshold_with_depth

    page = ruled(blank_page())
    y = 45 // 2 + 4 * 45  # a rule of ruled()'s
    cv2.line(page, (200, y), (290, y), (60, 50, 40), 3, cv2.LINE_AA)
    mask, depth = threshold_with_depth(to_dark_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), CONFIG), CONFIG)
    stroke = np.zeros_like(mask)
    cv2.line(stroke, (205, y), (285, y), 255, 1)  # the stroke's centre line, ends left out
    on_stroke = stroke > 0
    assert not erase_rules(mask)[on_stroke].any()  # without the depth: erased with the rule
    kept = erase_rules(mask, depth)
    assert kept[on_stroke].all()
    elsewhere = kept.copy()
    elsewhere[y - 8 : y + 9, 190:300] = 0
    assert cv2.countNonZero(elsewhere) < 0.001 * mask.size  # the rules themselves are gone


def test_mnist_rows_on_ruled_and_squared_paper():
    """Rows of five random MNIST test digits, 40-70 px tall, on ruled and squared paper
    with rules every 30-50 px: 134 of 150 read, 118 when every stroke lying along a rule
    went with it."""
    recognizer = Recognizer()
    _, labels = mnist_test()
    read = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        picks = [int(rng.choice(np.flatnonzero(labels == d))) for d in rng.integers(0, 10, 5)]
        page, truth = page_with_row(
            picks, height=int(rng.integers(40, 70)), gap=1.2, x=40, y=int(rng.integers(150, 250))
        )
        found = recognizer.recognize(ruled(page, spacing=int(rng.integers(30, 50)), squared=bool(seed % 2))).digits
        read += sum(any(d.label == label and iou(d.box, box) >= 0.5 for d in found) for label, box in truth)
    assert read >= 130


def test_fragments_do_not_chain_into_a_tower_of_lines():
    """A dense page turned and tilted (the field set's tilted ruled page 37, digits at most 31
    px tall): pieces of digits on successive lines, each within a pen's gap of the next,
    were linked pair by pair into one blob 255 px tall over seven lines, read as a 1."""
    from bench.field.scene import render

    scene = render("tilted_ruled", 37, (640, 480))
    tallest = max(h for _, (_, _, _, h) in scene.digits)
    digits = Recognizer().recognize(scene.image).digits
    assert max(d.box[3] for d in digits) <= 2 * tallest


@pytest.mark.parametrize("ruled_page", [False, True])
def test_drawn_boxes_are_not_rules(ruled_page):
    """Hand-drawn boxes wider than the 30 % of the frame that makes a line a rule: erasing
    their tops and bottoms left their sides, which read as ones (10 of the 24 false digits
    on 200 distractor scenes). On ruled paper the rules still go and the boxes stay."""
    from camdigits.recognition.recognizer import Recognizer

    indices = first_of_each_label()
    page, truth = page_with_row([indices[d] for d in (3, 5, 8)], height=60, gap=1.2, x=200, y=300)
    if ruled_page:
        page = ruled(page, spacing=120)
    for corners, pen in (
        (((100, 60), (330, 64), (335, 125), (95, 121)), 3),
        (((400, 150), (620, 146), (616, 215), (404, 212)), 2),
    ):
        cv2.polylines(page, [np.array(corners, np.int32)], True, (40, 40, 40), pen, cv2.LINE_AA)
    result = Recognizer().recognize(page)
    assert [d.label for d in result.digits] == [3, 5, 8]
    for (_, box), digit in zip(sorted(truth, key=lambda t: t[1]), result.digits):
        assert iou(box, digit.box) >= 0.7, (box, digit.box)


@pytest.mark.parametrize(
    "top, bottom, pen", [((300, 40), (340, 440), 3), ((120, 60), (180, 300), 5), ((500, 30), (470, 400), 8)]
)
def test_a_long_pen_line_is_not_a_one(top, bottom, pen):
    """A straight pen line alone in the frame, 50-83 % of its height: its patch is a one's,
    read at full confidence (4 of the 19 false digits on 200 empty scenes)."""
    from camdigits.recognition.recognizer import Recognizer

    page = blank_page()
    cv2.line(page, top, bottom, (60, 50, 40), pen, cv2.LINE_AA)
    assert Recognizer().recognize(page).digits == ()


def test_streaks_lying_flat_are_not_ones():
    """Wood grain at 1280x720 (the field set's desk frame 16): two streaks lying at a shallow
    angle, boxes 1.9 times as wide as tall, were read as ones at 0.78 and 0.91."""
    from bench.field.scene import render

    digits = Recognizer().recognize(render("desks", 16, (1280, 720)).image).digits
    assert all(d.box[2] <= d.box[3] for d in digits), digits
    assert len(digits) <= 1


def test_a_one_written_large_is_still_read():
    """A one filling 60 % of the view, as a close camera sees it: its stroke is as wide,
    relative to its length, as any written one's, so it is not taken for a pen line."""
    from camdigits.recognition.recognizer import Recognizer

    page = blank_page()
    box = write_digit(page, first_of_each_label()[1], 220, 40, 290)
    digits = Recognizer().recognize(page).digits
    assert [d.label for d in digits] == [1] and iou(digits[0].box, box) >= 0.7, (digits, box)


def test_rule_sizes_grow_with_the_frame_between_480p_and_720p():
    from camdigits.recognition.rules import RULE_BAND, RULE_GAP, RULE_MIN_THICKNESS, RULE_RUN, RuleSizes

    at_480 = RuleSizes(RULE_RUN, RULE_GAP, RULE_BAND, RULE_MIN_THICKNESS)
    assert RuleSizes.for_frame((480, 640)) == at_480
    assert RuleSizes.for_frame((240, 320)) == at_480
    assert RuleSizes.for_frame((720, 1280)) == RuleSizes(60, 14, 4, 6.0)  # 1.5x, rounded
    assert RuleSizes.for_frame((3000, 4000)) == RuleSizes.for_frame((720, 1280))  # at most 720p's


def test_least_ink_density_is_more_lenient_in_frames_between_480p_and_720p():
    from camdigits.config import Config
    from camdigits.recognition.candidates import min_ink_density

    config = Config()
    assert min_ink_density((480, 640), config) == config.min_ink_density
    assert min_ink_density((240, 320), config) == config.min_ink_density
    assert min_ink_density((720, 1280), config) == pytest.approx(config.min_ink_density / 1.5**0.5)
    assert min_ink_density((3000, 4000), config) == min_ink_density((720, 1280), config)


def test_a_page_without_rules_is_left_alone():
    from camdigits.recognition.rules import erase_rules

    indices = first_of_each_label()
    page, _ = page_with_row([indices[d] for d in (1, 7, 4)], height=80, gap=1.0)
    mask = binarize(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), CONFIG)
    assert np.array_equal(erase_rules(mask), mask)


@pytest.mark.parametrize("height", [45, 50])
def test_a_worksheets_column_of_digits_is_not_a_rule(height):
    """Seven 4s one under another, as in a column of a worksheet: their upright strokes line
    up into a long line of runs, each no longer than a digit, with gaps between the rows.
    The rule search erased 569 and 454 px of them before it asked how much of the line
    the runs cover and how long the longest is."""
    from camdigits.recognition.rules import erase_rules

    _, labels = mnist_test()
    page = blank_page()
    for row, index in enumerate(np.flatnonzero(labels == 4)[:7]):
        write_digit(page, int(index), 280, 10 + row * int(height * 1.45), height)
    mask = threshold_mask(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), CONFIG)
    assert np.array_equal(erase_rules(mask), mask)


def test_a_tall_thick_one_is_not_a_rule():
    from camdigits.recognition.rules import erase_rules

    mask = np.zeros((480, 640), np.uint8)
    mask[40:440, 300:318] = 255  # a 400 px tall stroke, 18 px thick: 83 % of the frame height
    assert np.array_equal(erase_rules(mask), mask)


def test_hairline_strokes_are_candidates():
    """Digits written with a 1-2 px pen (rendered "thin" scenes): the mask holds mostly the
    blurred rim of each stroke, and the blob must still count as ink, not as a dark
    object's edge. With the blob's median as its ink level, 9 of these 50 digits were lost."""
    from bench.metrics import iou as box_iou
    from bench.scenes import render_scene

    found = total = 0
    for seed in range(10):
        scene = render_scene("thin", seed)
        boxes = boxes_of(scene.image)
        total += len(scene.digits)
        found += sum(any(box_iou(box, truth) >= 0.5 for box in boxes) for _, truth in scene.digits)
    assert total == 50 and found >= 48


def test_a_rule_broken_near_the_digits_is_erased_whole():
    """A faint rule often breaks up near the digits on it; the pieces between them are
    shorter than a rule must be, and are erased along the line the long piece gives."""
    indices = first_of_each_label()
    page, truth = page_with_row([indices[d] for d in (1, 8, 5)], height=60, gap=1.5, x=40, y=180)
    lined = page.copy()
    y = 215
    cv2.line(lined, (0, y), (639, y), (190, 160, 140), 2, cv2.LINE_AA)
    for _, (bx, _, bw, _) in truth:  # a 15 px gap 5 px right of each digit: the pieces touch the digits
        lined[y - 3 : y + 4, bx + bw + 5 : bx + bw + 20] = page[y - 3 : y + 4, bx + bw + 5 : bx + bw + 20]
    lined = np.minimum(lined, page)
    found = boxes_of(lined)
    assert len(found) == 3, found
    for (_, box), got in zip(sorted(truth, key=lambda t: t[1]), found):
        assert iou(box, got) >= 0.7, (box, got)


@pytest.mark.parametrize("count", [300, 40, 5])  # the sorted search, and the all-pairs table for a few
@pytest.mark.parametrize("seed", range(4))
def test_overlapping_ranges_are_every_overlapping_pair_once(seed, count):
    from camdigits.recognition.geometry import overlapping_ranges

    rng = np.random.default_rng(seed)
    x0 = rng.integers(0, 200, count)
    x1 = x0 + rng.integers(1, 30 if count > 100 else 60, count)
    x0[:3] = 0  # ties, and a box spanning everything
    x1[0] = 1000
    a, b = overlapping_ranges(x0, x1)
    found = sorted(zip(a.tolist(), b.tolist()))
    expected = [(i, j) for i in range(count) for j in range(i + 1, count) if x0[i] < x1[j] and x0[j] < x1[i]]
    assert found == expected


@pytest.mark.parametrize("counts", [(200, 150), (30, 40), (3, 0)])
def test_overlapping_between_pairs_every_overlapping_range_of_one_set_with_the_other(counts):
    from camdigits.recognition.geometry import overlapping_between

    rng = np.random.default_rng(sum(counts))
    starts = [rng.integers(0, 400, n) for n in counts]
    (s0, s1), (e0, e1) = starts, [s + rng.integers(1, 40, len(s)) for s in starts]
    i, j = overlapping_between(s0, e0, s1, e1)
    found = sorted(zip(i.tolist(), j.tolist()))
    expected = [(a, b) for a in range(counts[0]) for b in range(counts[1]) if s0[a] < e1[b] and s1[b] < e0[a]]
    assert found == expected


def test_fine_texture_over_a_large_image_is_read_in_bounded_memory():
    """A 12 MP photo of gravel or fabric holds tens of thousands of specks; pairing them all
    (and classifying them in one batch) once took the process down for memory."""
    import resource

    from camdigits.recognition.recognizer import Recognizer

    rng = np.random.default_rng(0)
    noise = cv2.GaussianBlur((rng.random((3000, 4000)) * 255).astype(np.uint8), (0, 0), 2)
    noise = cv2.normalize(noise, None, 0, 255, cv2.NORM_MINMAX)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Recognizer().recognize(noise)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 1500, grown_mb


def _too_wide(page):
    paper = to_dark_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), CONFIG)
    wide = []
    find_candidates(paper, binarize(paper, CONFIG), CONFIG, wide)
    return wide


def test_joined_up_writing_is_reported_too_wide_and_a_straight_line_is_not():
    page = blank_page()
    # a wavy joined-up stroke (like "mmmm") and a straight dash, each 160 px wide
    xs = np.arange(40, 200)
    wave = np.stack([xs, 120 + (24 * np.abs(np.sin(xs / 5.0))).astype(int)], axis=1)
    cv2.polylines(page, [wave.reshape(-1, 1, 2).astype(np.int32)], False, (30, 30, 30), 3)
    cv2.line(page, (300, 300), (460, 300), (30, 30, 30), 3)
    cv2.line(page, (300, 300), (300, 312), (30, 30, 30), 3)  # a hook, so the dash is no rule
    wide = _too_wide(page)
    assert len(wide) == 1 and wide[0].box[0] < 60 and wide[0].x_height == wide[0].box[3], wide


def test_blob_boxes_from_one_pass_equal_opencvs_bounding_rects():
    """The frame's blob boxes come from one numpy pass over all contour points; they must be
    OpenCV's boxes exactly, specks of one pixel and blobs touching the border included."""
    from camdigits.recognition.blobs import bounding_boxes, outer_contours

    rng = np.random.default_rng(0)
    for density in (0.002, 0.05, 0.3, 0.6):
        mask = ((rng.random((120, 160)) < density) * 255).astype(np.uint8)
        contours, outer, _ = outer_contours(mask)
        outers = [contours[i] for i in outer]
        expected = np.array([cv2.boundingRect(c) for c in outers]).reshape(-1, 4)
        assert len(outers) > 0 and np.array_equal(bounding_boxes(outers), expected)


def test_the_paper_spread_around_a_blob_is_its_deviation_and_bright_tail():
    """The grain check's two figures, against numpy on the same pixels: the standard deviation
    of the paper within half a box height of the blob, and (only for paper that spreads as
    noise does) how far its brightest tenth lies above its median."""
    rng = np.random.default_rng(8)
    box = (40, 40, 20, 40)  # reach 20 px: the region is rows 20-99, columns 20-79
    unmarked = np.where(rng.random((120, 120)) < 0.8, np.uint8(255), np.uint8(0))
    for spread in (4, 60):
        paper = np.clip(rng.normal(180, spread, (120, 120)), 0, 255).astype(np.uint8)
        values = np.sort(paper[20:100, 20:80][unmarked[20:100, 20:80] > 0]).astype(np.int64)
        deviation, bright = _grain(paper, unmarked, box)
        assert deviation == pytest.approx(values.std(), abs=1e-9)
        if spread == 4:
            assert bright == 0.0  # too even to be noise: not measured
        else:
            n = len(values)
            assert bright == values[int(0.9 * n)] - values[int(0.5 * n)] > 30
    assert _grain(paper, np.zeros_like(unmarked), box) == (math.inf, 0.0)  # no paper at all: nothing to judge by


def _counts(scene, digits):
    """bench.metrics' counts of ``digits`` read on a field ``scene``."""
    from bench.metrics import score

    return score([(d.label, d.box) for d in digits], scene.digits)


def test_faint_digits_on_noisy_paper_are_read_in_their_lines(monkeypatch):
    """The field set's tilted ruled page 24: faint pencil on paper with sensor noise, whose
    spread the grain check takes for grain in 14 of 102 digits. Their numbers' lines read
    them: 89 right (81 with the grain check alone, which is what this test switches back to;
    92 and 83 without the strokes given back where they cross its rules,
    crossings.strokes_on_rules; 84 and 74 before faint frames were thresholded at a lower
    offset)."""
    import camdigits.recognition.candidates as candidates
    from bench.field.scene import render

    scene = render("tilted_ruled", 24, (640, 480))
    recognizer = Recognizer()
    assert _counts(scene, recognizer.recognize(scene.image).digits).hits >= 87
    monkeypatch.setattr(candidates, "MAX_GRAIN_IN_CONTEXT", 1.0)
    assert _counts(scene, recognizer.recognize(scene.image).digits).hits <= 83


@pytest.mark.parametrize(
    ("condition", "seeds"),
    [("desks", [*range(10), 23]), ("squared", range(15))],
)
def test_grain_read_in_context_adds_no_false_digits(condition, seeds, monkeypatch):
    """Grain and a faint grid's marks do not stand in lines of digits: desk frames and
    squared pages give no more false digits than the grain check alone gives. Read without
    the run (every grainy blob read 0.9 surely a digit), squared pages 11, 12 and 14 gave
    more; read on frames with fewer than two sure digits, desk 23 gave three."""
    import camdigits.recognition.candidates as candidates
    from bench.field.scene import render

    recognizer = Recognizer()

    def false_digits(scene) -> int:
        return _counts(scene, recognizer.recognize(scene.image).digits).false_digits

    scenes = [render(condition, seed, (640, 480)) for seed in seeds]
    with_context = [false_digits(scene) for scene in scenes]
    monkeypatch.setattr(candidates, "MAX_GRAIN_IN_CONTEXT", 1.0)
    assert all(a <= b for a, b in zip(with_context, [false_digits(scene) for scene in scenes])), with_context


def test_a_grainy_digit_gets_the_pages_probabilities():
    """The web page's chart (Recognizer.blob_probabilities) reads the grainy blobs read as
    digits too, as recognize() reads them: each of page 24's peaks at its label."""
    from bench.field.scene import render

    recognizer = Recognizer()
    image = render("tilted_ruled", 24, (640, 480)).image
    paper, mask = recognizer.ink_mask(image)
    grainy = []
    recognizer.find(paper, mask, None, grainy)
    boxes = {blob.box for blob in grainy}
    read = [d for d in recognizer.recognize(image).digits if d.box in boxes]
    assert len(read) >= 8
    rows = recognizer.blob_probabilities(image)
    for digit in read:
        assert int(np.argmax(rows[digit.box][:10])) == digit.label
        assert rows[digit.box][digit.label] == pytest.approx(digit.confidence, abs=1e-5)


def _fragment_groups(boxes):
    boxes = np.array(boxes, np.int64)
    return merge_fragments(boxes, boxes[:, 2] * boxes[:, 3] // 3, CONFIG.max_aspect, 1.0, CONFIG.min_digit_height)


@pytest.mark.parametrize(
    ("small", "joined"),
    [
        ((150, 70, 14, 18), False),  # a digit 18 px tall, 12 px over one 180 px tall: its own
        ((150, 76, 14, 18), True),  # 6 px over it: within half its size, a piece of it
        ((150, 50, 20, 30), True),  # a sixth of its height, 20 px over it (a question mark's dot): a piece
        ((150, 86, 8, 8), True),  # under a digit's height, 6 px over it: a speck of it
    ],
)
def test_a_piece_over_a_heading_digit_joins_it_by_its_size_and_gap(small, joined):
    """merge_fragments' limits for a piece of unlike height (MERGE_DIGIT_PIECE_SHARE,
    MERGE_DIGIT_PIECE_GAP): a piece as tall as a digit and at most 0.15 of the other's
    height must lie within half its size; a taller piece, or a speck under a digit's
    height, within its own size."""
    big = (100, 100, 120, 180)
    groups = _fragment_groups([big, small])
    assert (len(groups) == 1) == joined, groups


@pytest.mark.parametrize(
    ("pieces", "joined"),
    [
        ([(110, 70, 12, 16)], True),  # a piece a fifth of its height, 14 px over it: within its own size
        ([(110, 70, 12, 16), (126, 70, 12, 16)], False),  # two side by side: a number's digits
        ([(110, 70, 12, 16), (126, 70, 12, 16), (142, 71, 11, 15)], False),  # three, as on field page 10
        ([(110, 70, 12, 16), (110, 50, 12, 16)], True),  # one above the other: pieces of one stroke
        ([(110, 70, 12, 16), (126, 76, 30, 6)], True),  # beside a dash: not its like
    ],
)
def test_pieces_in_a_row_over_a_digit_join_it_only_within_half_their_size(pieces, joined):
    """merge_fragments' row rule (MERGE_ROW_PIECE_SHARE, MERGE_ROW_GAP): a piece up to 0.4 of
    the other's height with a blob of its own height beside it is a number's digit, which
    joins the digit under it only within half its size; alone, or with its like above it, it
    joins within its own size (the field set's mixed-size pages: a number 15-20 px tall, its
    own size over a heading digit 80-100 px tall, is otherwise read as part of it)."""
    big = (100, 100, 60, 80)
    groups = _fragment_groups([big, *pieces])
    with_big = next(group for group in groups if 0 in group)
    assert (len(with_big) > 1) == joined, groups


def test_a_number_under_a_large_digit_its_own_size_away_is_read():
    """A 0 and a 1 about 20 px tall, 18 px under a 5 about 96 px tall, as on the field set's
    mixed-size page 10 at 1280x720: within the 5's quarter and their own size, where a piece
    of it may lie, but side by side. Joined to the 5 as its pieces, both would be lost."""
    zero, one, five = (first_of_each_label()[d] for d in (0, 1, 5))
    page = blank_page()
    big = write_digit(page, five, 200, 100, 100)
    bottom = big[1] + big[3]
    small = [write_digit(page, index, big[0] + dx, bottom + 18 - 2, 22) for index, dx in ((zero, 0), (one, 20))]
    assert all(15 <= box[1] - bottom <= 20 for box in small), [box[1] - bottom for box in small]
    found = boxes_of(page)
    for box in [big, *small]:
        assert any(iou(box, f) > 0.7 for f in found), (box, found)
    assert sorted(d.label for d in Recognizer().recognize(page).digits) == [0, 1, 5]


def _ruled_frame_groups(pieces, ruled=True, peers=6, peer_size=(14, 20)):
    """merge_fragments' groups of ``pieces`` among ``peers`` lone blobs of ``peer_size`` (w, h):
    a page's digits, which with the pieces' own groups set its line height (the median of
    the groups at least 14 px tall and 0.3 as wide), as the indices of ``pieces`` (0 on)
    grouped together."""
    lone = [(40 + 30 * k, 400, *peer_size) for k in range(peers)]
    boxes = np.array(lone + list(pieces), np.int64)
    groups = merge_fragments(
        boxes, boxes[:, 2] * boxes[:, 3] // 3, CONFIG.max_aspect, 1.0, CONFIG.min_digit_height, ruled
    )
    return sorted(sorted(i - peers for i in group) for group in groups if min(group) >= peers)


TWO_LINES = [(300, 100, 14, 20), (302, 123, 16, 21)]  # a digit over the next line's, 3 px apart
BROKEN = [(400, 100, 14, 10), (401, 112, 14, 9)]  # one digit in two halves, 2 px apart
SHORT_PAIR = [(500, 100, 14, 14), (501, 115, 14, 14)]  # two pieces of 0.7 line heights spanning 1.45
SMALL_LINES = [(300, 100, 10, 13), (301, 115, 10, 13)]  # two lines of digits 13 px tall, 2 px apart


@pytest.mark.parametrize(
    ("pieces", "ruled", "peers", "peer_size", "joined"),
    [
        (TWO_LINES, True, 6, (14, 20), False),  # two digits of a ruled page's line height: two lines
        (TWO_LINES, False, 6, (14, 20), True),  # off a ruled page: joined across a pen's gap
        (TWO_LINES, True, 2, (14, 20), True),  # 4 groups: too few to tell the page's line height
        (SMALL_LINES, True, 6, (11, 11), True),  # a desk's dots set no line height (under 14 px)
        (TWO_LINES, True, 6, (3, 20), True),  # nor do a grid's upright dashes (under 0.3 as wide)
        (BROKEN, True, 6, (14, 20), True),  # halves under 0.7 of the line height: pieces of one digit
        (SHORT_PAIR, True, 6, (14, 20), True),  # together under 1.6 line heights: one digit
    ],
)
def test_two_lines_digits_a_pens_gap_apart_stay_apart_on_a_ruled_page(pieces, ruled, peers, peer_size, joined):
    """merge_fragments' line rule (STACKED_LINES_*): on a ruled page, two pieces each about as
    tall as the page's digits (20 px here) are not joined into one 1.6 times as tall: they
    are the digits of two lines, whatever the gap between them."""
    groups = _ruled_frame_groups(pieces, ruled, peers, peer_size)
    assert (groups == [[0, 1]]) == joined, groups


def test_a_joined_up_word_with_ascenders_is_reported_with_its_x_height():
    """A wavy joined-up stroke 24 px high (like "mmmm") with two upright strokes rising 30 px
    over it (ascenders): its box is about 57 px tall, its x-height band about 27."""
    page = blank_page()
    xs = np.arange(40, 200)
    wave = np.stack([xs, 150 + (24 * np.abs(np.sin(xs / 5.0))).astype(int)], axis=1)
    cv2.polylines(page, [wave.reshape(-1, 1, 2).astype(np.int32)], False, (30, 30, 30), 3)
    for x in (80, 160):
        cv2.line(page, (x, 120), (x, 160), (30, 30, 30), 3)
    (word,) = _too_wide(page)
    assert word.box[3] >= 50 and 22 <= word.x_height <= 32, word
