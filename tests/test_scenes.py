"""The scene generator: deterministic per seed, exact ground truth, MNIST test digits only.

Ground truth is checked against the rendered pixels, not against the generator's own
bookkeeping: each box is recomputed from the ink visible in the image.
"""

import itertools

import cv2
import numpy as np
import pytest

from bench.scenes import CONDITIONS, render_scene
from camdigits.normalise import to_mnist_patch
from camdigits.types import union_box
from tests.pages import mnist_test

SEEDS = range(6)


def gray(scene) -> np.ndarray:
    return cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.float32)


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
            neighbour[max(oy - y0 - 2, 0) : max(oy - y0 + oh + 2, 0), max(ox - x0 - 2, 0) : max(ox - x0 + ow + 2, 0)] = True
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


@pytest.mark.parametrize("condition", ["clean", "distractors"])
@pytest.mark.parametrize("seed", SEEDS)
def test_boxes_are_the_tight_box_of_the_rendered_ink(condition, seed):
    """On flat paper, the half-contrast edge of the visible ink is the box, to 1 px."""
    scene = render_scene(condition, seed)
    image = gray(scene)
    boxes = [b for _, b in scene.digits]
    for box in boxes:
        assert np.abs(sides(visible_box(image, box, boxes)) - sides(box)).max() <= 1, box


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


@pytest.mark.parametrize("condition", ["clean", "photo"])
def test_labels_are_those_of_the_mnist_test_digits_drawn(condition):
    """Labels come from the test split, and each drawn digit looks more like a source of its
    own label than like any other digit drawn in the scene."""
    x_test, y_test = mnist_test()
    for seed in SEEDS:
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
    return (box[0] >= outer[0] and box[1] >= outer[1] and box[0] + box[2] <= outer[0] + outer[2]
            and box[1] + box[3] <= outer[1] + outer[3])


def gap(a, b) -> int:
    return max(b[0] - a[0] - a[2], a[0] - b[0] - b[2], b[1] - a[1] - a[3], a[1] - b[1] - b[3])


@pytest.mark.parametrize("seed", SEEDS)
def test_numbers_read_their_digits_left_to_right(seed):
    scene = render_scene("clean", seed)
    for text, box in scene.numbers:
        row = sorted((b[0], label, b) for label, b in scene.digits if inside(b, box))
        assert "".join(str(label) for _, label, _ in row) == text
        assert union_box([b for _, _, b in row]) == box


@pytest.mark.parametrize("seed", SEEDS)
def test_digits_of_a_number_are_close_and_lone_digits_apart(seed):
    """Handwriting gaps inside a number (< 0.6 heights); 1.5 heights of layout gap between
    anything else (> 1.3 ink heights, as ink can be 10 % taller than its nominal height)."""
    scene = render_scene("clean", seed)
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
