"""bench.field: scenes are pure functions of (condition, seed, size), their truth lies on the
ink of the frame, and today's recognizer reads them no worse than when the set was made."""

import cv2
import numpy as np
import pytest

from bench.compare import summary
from bench.field.conditions import CONDITIONS, Condition
from bench.field.glyphs import european_strokes, mnist_centre_lines, mnist_test
from bench.field.ink import MEDIA
from bench.field.layout import Writer, number
from bench.field.run import Job, evaluate, table
from bench.field.scene import render
from bench.metrics import Counts
from bench.scenes import CONDITIONS as OLD_CONDITIONS
from camdigits.config import Config
from camdigits.recognition.recognizer import Recognizer

SIZES = [(640, 480), (1280, 720)]
DIGIT_CONDITIONS = [name for name, c in CONDITIONS.items() if c.min_f1 is not None]
EMPTY_CONDITIONS = [name for name, c in CONDITIONS.items() if c.min_f1 is None]
INK_CONTRAST = 30  # grey levels: the darkest pixel of a truth box lies at least this far below the paper


@pytest.mark.parametrize("condition", ["noise", "worksheet", "spaced_numbers"])
def test_a_scene_is_the_same_for_the_same_seed_and_size(condition):
    first, again = render(condition, 3), render(condition, 3)
    assert np.array_equal(first.image, again.image)
    assert (first.digits, first.numbers) == (again.digits, again.numbers)
    assert not np.array_equal(first.image, render(condition, 4).image)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_every_condition_renders_at_both_sizes(condition, size):
    scene = render(condition, 0, size)
    assert scene.image.shape == (size[1], size[0], 3) and scene.image.dtype == np.uint8
    for _, (x, y, w, h) in scene.digits:
        assert 0 <= x and 0 <= y and x + w <= size[0] and y + h <= size[1]
    assert bool(scene.digits) == (condition in DIGIT_CONDITIONS)


@pytest.mark.parametrize("condition", EMPTY_CONDITIONS)
def test_words_textures_and_noise_have_no_digits(condition):
    for seed in range(3):
        scene = render(condition, seed)
        assert scene.digits == () and scene.numbers == ()


@pytest.mark.parametrize("condition", DIGIT_CONDITIONS)
def test_truth_boxes_lie_on_ink(condition):
    scene = render(condition, 1)
    grey = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY).astype(np.int32)
    if np.median(grey) < 100:  # chalk on a board: light ink on a dark ground
        grey = 255 - grey
    for _, (x, y, w, h) in scene.digits:
        around = grey[max(0, y - h) : y + 2 * h, max(0, x - w) : x + 2 * w]
        assert grey[y : y + h, x : x + w].min() <= np.median(around) - INK_CONTRAST, (condition, (x, y, w, h))


def test_a_spaced_number_is_two_numbers_apart_by_more_than_half_a_digit():
    writer = Writer(MEDIA["ballpoint"], 1.0, font="", font_share=0.0)
    item = number(writer, (3, 4), 40.0, first_group=5, rng=np.random.default_rng(0))
    groups = [m.group for m in item.marks]
    assert groups == [5, 5, 5, 6, 6, 6, 6]
    end_of_first = max(m.x + m.alpha.shape[1] for m in item.marks[:3])
    assert item.marks[3].x - end_of_first > 0.5 * 40.0


def test_spaced_scenes_hold_numbers_of_their_own_groups():
    scene = render("spaced_numbers", 0)
    assert len(scene.numbers) >= 2
    texts = "".join(text for text, _ in scene.numbers)
    assert set(texts) <= set("0123456789")
    assert sum(len(t) for t, _ in scene.numbers) <= len(scene.digits)


def test_european_ones_and_sevens_get_one_more_stroke_and_others_none():
    images, labels = mnist_test()
    rng = np.random.default_rng(0)
    for label in (1, 7, 4):
        index = int(np.flatnonzero(labels == label)[0])
        lines = mnist_centre_lines(index)
        assert len(european_strokes(label, lines, rng)) == len(lines) + (label in (1, 7))


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer(config=Config(num_threads=1))


def test_todays_recognizer_reads_the_field_set_no_worse(recognizer):
    """A lock against regressions, not a target: 2 scenes per condition at 640x480 with the
    shipped model measure F1 0.874 over the digit conditions and 0.33 false digits per frame
    on words, desks and noise (the targets are 0.95 and 0.1; see docs/accuracy.md). The
    network and stages before the word context measured 0.817 and 33.8, and before the
    stacked-digit stage and the rule-dash check 0.864."""
    digits = sum((evaluate(recognizer, Job(c, 2, (640, 480))) for c in DIGIT_CONDITIONS), Counts())
    empty = sum((evaluate(recognizer, Job(c, 2, (640, 480))) for c in EMPTY_CONDITIONS), Counts())
    assert digits.f1 >= 0.865 - 0.03
    assert empty.false_digits_per_image <= 0.33 * 2


def test_first_seed_scores_other_pages_than_the_figures_are_of(recognizer, monkeypatch):
    """--first-seed 1000: pages other than the figures' (seeds 0 on). The job draws exactly those seeds."""
    import bench.field.run as run

    drawn = []

    def spy(condition, seed, size):
        drawn.append(seed)
        return render(condition, seed, size)

    monkeypatch.setattr(run, "render", spy)
    held_out = evaluate(recognizer, Job("clean", 2, (640, 480), first_seed=1000))
    figures = evaluate(recognizer, Job("clean", 2, (640, 480)))
    assert drawn == [1000, 1001, 0, 1]
    assert held_out.truth > 0 and held_out.truth != figures.truth  # other pages, other digits


def test_a_negative_first_seed_is_refused(capsys):
    from bench.field.run import main

    with pytest.raises(SystemExit) as stopped:
        main(["--first-seed", "-1"])
    assert stopped.value.code == 2 and "--first-seed must be 0 or more" in capsys.readouterr().err


def test_the_tables_judge_each_condition_by_its_own_target():
    perfect = Counts(images=2, truth=10, predicted=10, boxes_matched=10, hits=10)
    noisy = Counts(images=2, predicted=3, false_digits=3)
    rows = table({"clean": perfect, "words_only": noisy})
    assert rows[1].startswith("| clean | 2 | 10 | **1.000**") and rows[1].endswith("| F1 >= 0.90 | yes |")
    assert "| - | - | - | 1.50 |" in rows[2] and rows[2].endswith("| false <= 0.1 | **no** |")
    assert rows[3].startswith("| all digit conditions | 2 | 10 |")


def test_the_gap_is_field_minus_tuned():
    old = {name: Counts(images=1, truth=4, predicted=4, boxes_matched=4, hits=4) for name in OLD_CONDITIONS}
    new = {name: Counts(images=1, truth=4, predicted=4, boxes_matched=4, hits=2) for name in DIGIT_CONDITIONS}
    new |= {name: Counts(images=1, predicted=2, false_digits=2) for name in EMPTY_CONDITIONS}
    rows = summary(old, new)
    assert rows[2] == "| F1, digit conditions together | 1.000 | 0.500 | -0.500 |"
    assert rows[-1] == "| false digits / frame without digits | 0.00 | 2.00 | +2.00 |"


@pytest.mark.parametrize(
    "surface, writing, min_f1",
    [
        ("glass", "numbers", 0.9),  # no such surface
        ("paper", "poems", 0.9),  # no such writing
        ("paper", "words", 0.9),  # an F1 target with no digits to find
        ("paper", "numbers", None),  # digits without an F1 target
    ],
)
def test_a_condition_is_checked_where_it_is_made(surface, writing, min_f1):
    with pytest.raises(ValueError):
        Condition("bad", surface, writing, min_f1=min_f1)


@pytest.mark.parametrize("size", [(640, 480), (1280, 720)])
def test_noise_frames_give_no_digits(recognizer, size):
    """Noise not dense enough to be cleared as texture is grain by blocks (recognition/grain.py)
    and cleared before the candidate search (docs/accuracy.md)."""
    counts = evaluate(recognizer, Job("noise", 6, size))
    assert counts.predicted == 0, counts
