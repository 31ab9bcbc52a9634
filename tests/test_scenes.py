"""The scene generator: deterministic, exact ground truth, MNIST test digits only."""

import cv2
import numpy as np
import pytest

from bench.scenes import CONDITIONS, render_scene
from tests.pages import mnist_test


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_same_seed_same_scene(condition):
    a, b = render_scene(condition, 7), render_scene(condition, 7)
    np.testing.assert_array_equal(a.image, b.image)
    assert a.digits == b.digits and a.numbers == b.numbers
    assert not np.array_equal(a.image, render_scene(condition, 8).image)


@pytest.mark.parametrize("condition", list(CONDITIONS))
@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_boxes_lie_inside_the_frame(condition, size):
    scene = render_scene(condition, 1, size)
    assert scene.image.shape == (size[1], size[0], 3) and scene.image.dtype == np.uint8
    for _, (x, y, w, h) in scene.digits:
        assert x >= 0 and y >= 0 and x + w <= size[0] and y + h <= size[1] and w > 0 and h > 0


def test_labels_are_those_of_the_mnist_test_digits_used():
    _, labels = mnist_test()
    scene = render_scene("clean", 3)
    assert [label for label, _ in scene.digits] == [int(labels[i]) for i in scene.mnist_indices]


@pytest.mark.parametrize("condition", ["clean", "photo"])
def test_boxes_are_tight_around_dark_ink(condition):
    """Inside each box the darkest pixels are ink; one box-width outside it, paper."""
    scene = render_scene(condition, 2)
    gray = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    for _, (x, y, w, h) in scene.digits:
        inside = gray[y : y + h, x : x + w]
        ring = gray[max(y - 3, 0) : y + h + 3, max(x - 3, 0) : x + w + 3]
        paper = float(np.median(ring))
        assert np.percentile(inside, 5) < paper - 40  # ink is in the box
        # the box's edge rows and columns each touch ink (tight), within 2 px
        dark = inside < (paper + np.percentile(inside, 5)) / 2
        assert dark[:2].any() and dark[-2:].any() and dark[:, :2].any() and dark[:, -2:].any()


def test_numbers_are_made_of_listed_digits():
    for seed in range(10):
        scene = render_scene("clean", seed)
        for text, (x, y, w, h) in scene.numbers:
            inside = [label for label, (dx, dy, dw, dh) in scene.digits
                      if dx >= x and dy >= y and dx + dw <= x + w and dy + dh <= y + h]
            assert "".join(map(str, inside)) == text or sorted(inside) == sorted(map(int, text))


def test_empty_scenes_have_no_digits_and_forced_counts_are_exact():
    assert render_scene("empty", 4).digits == ()
    assert len(render_scene("clean", 4, digit_count=10).digits) == 10
    with pytest.raises(ValueError, match="unknown condition"):
        render_scene("moonlight", 0)
