"""The scene generator: deterministic per seed, exact ground truth, MNIST test digits only.

Ground truth is checked against the rendered pixels, not against the generator's own
bookkeeping: each box is recomputed from the ink visible in the image.
"""

import itertools

import cv2
import numpy as np
import pytest

from bench.scenes import CONDITIONS, SceneStyle, render_scene
from camdigits.recognition.normalise import to_mnist_patch
from camdigits.types import union_box
from tests.pages import mnist_test

SEEDS = range(6)
FEW_SEEDS = range(3)  # for the newer conditions: each costs a render per seed on a shared CPU
NEWER = ["small", "board", "slanted", "thin", "thick", "ruled", "touching", "broken", "numbers"]


# Newer conditions whose drawn digits still correlate best with their own MNIST source; a
# touching digit's box holds part of its neighbour, which can outweigh its own shape.
LABELLED = [c for c in NEWER if c != "touching"]


def cases(older, newer=NEWER) -> list[tuple[str, int]]:
    """(condition, seed) pairs: the older conditions on all seeds, the newer on a few."""
    return [(c, s) for c in older for s in SEEDS] + [(c, s) for c in newer for s in FEW_SEEDS]


def gray(scene) -> np.ndarray:
    """Grey levels with the ink dark on a light ground, so board scenes (light chalk on a dark
    board) are measured like paper ones."""
    image = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return 255 - image if CONDITIONS[scene.condition].surface == "board" else image


def ink_levels(image: np.ndarray, box, others=(), pad: int = 8):
    """A window around ``box`` with the other digits' boxes (grown by 2 px for blur) painted
    over as paper, the paper level (median outside the box) and the ink level (darkest 1 %)."""
    x, y, w, h = box
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    window = image[y0 : y + h + pad, x0 : x + w + pad].copy()
    own = np.zeros(window.shape, bool)
    own[y - y0 : y - y0 + h, x - x0 : x - x0 + w] = True
    paper = float(np.median(window[~own]))
    for ox, oy, ow, oh in others:
        if (ox, oy, ow, oh) != box:
            neighbour = np.zeros(window.shape, bool)
            rows = slice(max(oy - y0 - 2, 0), max(oy - y0 + oh + 2, 0))
            neighbour[rows, max(ox - x0 - 2, 0) : max(ox - x0 + ow + 2, 0)] = True
            window[neighbour & ~own] = paper
    return window, (x0, y0), paper, float(np.percentile(image[y : y + h, x : x + w], 1))


def visible_box(image: np.ndarray, box, others=(), level: float = 0.5):
    """Box of the pixels darker than ``level`` of the way from paper down to ink."""
    window, (x0, y0), paper, ink = ink_levels(image, box, others)
    bx, by, bw, bh = cv2.boundingRect((window < paper - level * (paper - ink)).astype(np.uint8))
    return (bx + x0, by + y0, bw, bh)


def sides(box):
    return np.array([box[0], box[1], box[0] + box[2], box[1] + box[3]])


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_same_seed_same_scene(condition):
    a, b = render_scene(condition, 7), render_scene(condition, 7)
    np.testing.assert_array_equal(a.image, b.image)
    assert (a.digits, a.numbers, a.distractors) == (b.digits, b.numbers, b.distractors)
    assert not np.array_equal(a.image, render_scene(condition, 8).image)


@pytest.mark.parametrize("seed", SEEDS)
def test_empty_scenes_have_no_digits(seed):
    scene = render_scene("empty", seed)
    assert scene.digits == () and scene.numbers == () and scene.mnist_indices == ()


@pytest.mark.parametrize("condition", list(CONDITIONS))
@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_boxes_lie_inside_the_frame(condition, size):
    scene = render_scene(condition, 1, size)
    assert scene.image.shape == (size[1], size[0], 3) and scene.image.dtype == np.uint8
    boxes = [b for _, b in scene.digits] + [b for _, b in scene.numbers] + list(scene.distractors)
    for x, y, w, h in boxes:
        assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1] and w > 0 and h > 0


@pytest.mark.parametrize(("condition", "seed"), cases(["clean", "distractors"]))
def test_boxes_are_the_tight_box_of_the_rendered_ink(condition, seed):
    """On a flat page, the half-contrast edge of the visible ink is the box, to 1 px (2 px
    on a board, where the chalk's grain may leave an edge pixel bare)."""
    scene = render_scene(condition, seed)
    image = gray(scene)
    boxes = [b for _, b in scene.digits]
    slack = 2 if condition == "board" else 1
    for box in boxes:
        assert np.abs(sides(visible_box(image, box, boxes)) - sides(box)).max() <= slack, box


@pytest.mark.parametrize("seed", SEEDS)
def test_warped_photo_boxes_still_cover_the_ink(seed):
    """After perspective, blur and JPEG, the solid ink lies inside the box (1 px of slack
    for the blur) and the box is no looser than a few px on any side."""
    scene = render_scene("photo", seed)
    image = gray(scene)
    boxes = [b for _, b in scene.digits]
    for box in boxes:
        window, (x0, y0), paper, ink = ink_levels(image, box, boxes)
        ys, xs = np.nonzero(window < ink + 0.35 * (paper - ink))
        x, y, w, h = box
        assert xs.min() + x0 >= x - 1 and xs.max() + x0 <= x + w and ys.min() + y0 >= y - 1 and ys.max() + y0 <= y + h
        assert np.abs(sides(visible_box(image, box, boxes)) - sides(box)).max() <= 5, box


def mnist_shape(ink: np.ndarray) -> np.ndarray:
    """Ink (bright on dark) as a zero-mean, unit-norm MNIST-style patch, for correlation."""
    patch = to_mnist_patch(np.clip(ink, 0, 255).astype(np.uint8))
    patch -= patch.mean()
    return patch / np.linalg.norm(patch)


@pytest.mark.parametrize(("condition", "seed"), cases(["clean", "photo"], LABELLED))
def test_labels_are_those_of_the_mnist_test_digits_drawn(condition, seed):
    """Labels come from the test split, and each drawn digit looks more like a source of its
    own label than like any other digit drawn in the scene."""
    x_test, y_test = mnist_test()
    scene = render_scene(condition, seed)
    assert [label for label, _ in scene.digits] == [int(y_test[i]) for i in scene.mnist_indices]
    sources = [mnist_shape(x_test[i]) for i in scene.mnist_indices]
    image = gray(scene)
    for label, (x, y, w, h) in scene.digits:
        _, _, paper, ink = ink_levels(image, (x, y, w, h))
        drawn = mnist_shape((paper - image[y : y + h, x : x + w]) * 255 / (paper - ink))
        best = int(np.argmax([float((drawn * source).sum()) for source in sources]))
        assert scene.digits[best][0] == label


def inside(box, outer) -> bool:
    return (
        box[0] >= outer[0]
        and box[1] >= outer[1]
        and box[0] + box[2] <= outer[0] + outer[2]
        and box[1] + box[3] <= outer[1] + outer[3]
    )


def gap(a, b) -> int:
    return max(b[0] - a[0] - a[2], a[0] - b[0] - b[2], b[1] - a[1] - a[3], a[1] - b[1] - b[3])


@pytest.mark.parametrize(("condition", "seed"), cases(["clean"], ["touching", "numbers"]))
def test_numbers_read_their_digits_left_to_right(condition, seed):
    scene = render_scene(condition, seed)
    for text, box in scene.numbers:
        row = sorted((b[0], label, b) for label, b in scene.digits if inside(b, box))
        assert "".join(str(label) for _, label, _ in row) == text
        assert union_box([b for _, _, b in row]) == box


@pytest.mark.parametrize(("condition", "seed"), cases(["clean"], ["touching", "numbers"]))
def test_digits_of_a_number_are_close_and_lone_digits_apart(condition, seed):
    """Handwriting gaps inside a number (< 0.6 heights); 1.5 heights of layout gap between
    anything else (> 1.3 ink heights, as ink can be 10 % taller than its nominal height)."""
    scene = render_scene(condition, seed)
    for text, box in scene.numbers:
        row = sorted(b for _, b in scene.digits if inside(b, box))
        assert len(row) == len(text)
        for a, b in itertools.pairwise(row):
            assert gap(a, b) < 0.6 * max(a[3], b[3]), (text, a, b)
    for i, (_, a) in enumerate(scene.digits):
        for _, b in scene.digits[i + 1 :]:
            if not any(inside(a, box) and inside(b, box) for _, box in scene.numbers):
                assert gap(a, b) > 1.3 * max(a[3], b[3]), (a, b)


@pytest.mark.parametrize("count", [0, 1, 10, 30])
def test_forced_digit_counts_are_exact(count):
    assert len(render_scene("clean", 4, digit_count=count).digits) == count


def test_unknown_condition_is_refused():
    with pytest.raises(ValueError, match="unknown condition"):
        render_scene("moonlight", 0)


@pytest.mark.parametrize(("field", "value"), [("stroke", "crayon"), ("surface", "wall")])
def test_unknown_pen_or_surface_is_refused(field, value):
    with pytest.raises(ValueError, match=field):
        SceneStyle(**{field: value})


def ink_mask(image: np.ndarray, box, others) -> np.ndarray:
    """Visible ink of the digit in ``box`` (half contrast), its neighbours painted out."""
    window, (x0, y0), paper, ink = ink_levels(image, box, others)
    x, y, w, h = box
    mask = (window[y - y0 : y - y0 + h, x - x0 : x - x0 + w] < paper - 0.5 * (paper - ink)).astype(np.uint8)
    assert mask.any(), box
    return mask


def stroke_width(mask: np.ndarray) -> float:
    """Widest stroke in px: twice the largest distance from an ink pixel to the background."""
    padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    return 2 * float(cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE).max())


@pytest.mark.parametrize("seed", FEW_SEEDS)
@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_small_digits_are_12_to_24_px_at_480p(seed, size):
    """1 px of slack for the ink's edge; heights scale with the frame."""
    scale = size[1] / 480
    heights = [h for _, (_, _, _, h) in render_scene("small", seed, size).digits]
    assert heights and all(11 * scale <= h <= 25 * scale for h in heights), heights


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_board_is_dark_with_light_ink(seed):
    scene = render_scene("board", seed)
    image = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    board = float(np.median(image))
    assert board < 100
    for _, (x, y, w, h) in scene.digits:
        assert np.percentile(image[y : y + h, x : x + w], 99) > board + 80


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_thin_strokes_are_at_most_2_5_px_wide(seed):
    scene = render_scene("thin", seed)
    image, boxes = gray(scene), [b for _, b in scene.digits]
    for box in boxes:
        assert stroke_width(ink_mask(image, box, boxes)) <= 2.5, box


def mean_stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in px: a stroke of width w and length L has area w L and an
    outline of about 2 L, so 2 area / outline; unlike the widest point, blobs where strokes
    meet barely move it."""
    padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    outlines, _ = cv2.findContours(padded, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    return 2 * float(mask.sum()) / sum(cv2.arcLength(c, True) for c in outlines)


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_thick_strokes_are_a_fifth_of_the_height(seed):
    """The marker is 0.18-0.25 heights wide; its ends and the box's extra height over the
    pen's path take a little off. A ballpoint scene's median is about 0.11."""
    scene = render_scene("thick", seed)
    image, boxes = gray(scene), [b for _, b in scene.digits]
    widths = [mean_stroke_width(ink_mask(image, box, boxes)) / box[3] for box in boxes]
    assert np.median(widths) >= 0.16 and min(widths) >= 0.12, widths


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_broken_digits_fall_into_pieces(seed):
    scene = render_scene("broken", seed)
    image, boxes = gray(scene), [b for _, b in scene.digits]
    for box in boxes:
        pieces, _ = cv2.connectedComponents(ink_mask(image, box, boxes), connectivity=8)
        assert pieces - 1 >= 2, box


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_touching_pairs_are_one_blob_of_ink(seed):
    """Each pair is a 2-digit number whose boxes overlap or abut, and some connected piece
    of visible ink reaches into the part of each box the other does not cover."""
    scene = render_scene("touching", seed)
    image, boxes = gray(scene), [b for _, b in scene.digits]
    assert scene.numbers
    for text, box in scene.numbers:
        a, b = sorted(d for d in boxes if inside(d, box))
        assert len(text) == 2 and gap(a, b) <= 0, (a, b)
        _, labels = cv2.connectedComponents(ink_mask(image, box, boxes), connectivity=8)
        only = []
        for own, other in ((a, b), (b, a)):
            region = np.zeros(labels.shape, bool)
            region[own[1] - box[1] : own[1] + own[3] - box[1], own[0] - box[0] : own[0] + own[2] - box[0]] = True
            rows = slice(other[1] - box[1], other[1] + other[3] - box[1])
            region[rows, other[0] - box[0] : other[0] + other[2] - box[0]] = False
            only.append(set(np.unique(labels[region])) - {0})
        assert only[0] & only[1], (a, b)


@pytest.mark.parametrize("seed", FEW_SEEDS)
def test_ruled_lines_are_drawn_but_not_counted(seed):
    """Some rows of the page are clearly darker than the paper, all across the frame, and
    the truth holds digits only."""
    scene = render_scene("ruled", seed)
    rows = np.median(gray(scene), axis=1)
    assert (rows < np.median(rows) - 10).sum() >= 3
    assert scene.distractors == () and len(scene.digits) == len(scene.mnist_indices) > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_numbers_scenes_hold_numbers_of_2_to_6_digits_and_no_lone_digit(seed):
    scene = render_scene("numbers", seed)
    lengths = [len(text) for text, _ in scene.numbers]
    assert 1 <= len(lengths) <= 4 and all(2 <= n <= 6 for n in lengths), lengths
    assert sum(lengths) == len(scene.digits)
