"""The tracker: stable ids and labels across frames, prompt appearance and removal."""

import numpy as np
import pytest

from camdigits.config import Config
from camdigits.pipeline import Tracking
from camdigits.recognition.numbers import group_numbers
from camdigits.tracking import TrackedDigits, Tracker, TrackerConfig, match_scores
from camdigits.types import Digit, FrameResult

W, H = 40, 56  # px: a digit's box


def at(x, y, label, confidence=0.9, w=W, h=H):
    return Digit(label=label, confidence=confidence, box=(x, y, w, h))


def frame(digits, index=0, grouped=True):
    """A FrameResult as the Recognizer makes it: digits in reading order inside numbers."""
    numbers = group_numbers(digits, Config()) if grouped else ()
    ordered = tuple(d for n in numbers for d in n.digits) if grouped else tuple(digits)
    return FrameResult(width=640, height=480, digits=ordered, numbers=numbers, frame=index, time=index / 30)


def run(frames, config=None):
    tracker = Tracking(Config(), config)
    return [tracker.update(frame(digits, i)) for i, digits in enumerate(frames)]


def shown(result):
    """(label, track id) of each reported digit, sorted by track id."""
    return sorted(((d.label, d.track) for d in result.digits), key=lambda pair: pair[1])


A = (100, 100)  # where a still digit sits
B = (400, 300)  # a second one, far from A


@pytest.mark.parametrize(
    "frames, expected",
    [
        ([], []),
        ([[], [], []], [[], [], []]),
        # A still 7 misread as 1 in two frames of five keeps label 7 and one id.
        (
            [[at(*A, 7)], [at(*A, 1)], [at(*A, 7)], [at(*A, 7)], [at(*A, 1)]],
            [[], [(7, 1)], [(7, 1)], [(7, 1)], [(7, 1)]],
        ),
        # ... even when the misreading is the more confident one of a frame.
        ([[at(*A, 7, 0.8)], [at(*A, 7, 0.8)], [at(*A, 1, 0.99)], [at(*A, 7, 0.8)]], [[], [(7, 1)], [(7, 1)], [(7, 1)]]),
        # A new digit is shown from its second frame on.
        ([[], [at(*A, 4)], [at(*A, 4)], [at(*A, 4)]], [[], [], [(4, 1)], [(4, 1)]]),
        # ... or its third, when a frame in between missed it (2 of 3).
        ([[at(*A, 4)], [], [at(*A, 4)]], [[], [], [(4, 1)]]),
        # A one-frame blip never appears and uses up no id.
        ([[], [at(*B, 8)], [], [], []], [[], [], [], [], []]),
        ([[at(*A, 3)], [at(*A, 3), at(*B, 8)], [at(*A, 3)], [at(*A, 3)]], [[], [(3, 1)], [(3, 1)], [(3, 1)]]),
        # Two digits each get their own id, in order of confirmation.
        ([[at(*A, 3), at(*B, 5)], [at(*A, 3), at(*B, 5)]], [[], [(3, 1), (5, 2)]]),
    ],
    ids=[
        "no-frames",
        "empty-frames",
        "flicker-7-1-7-7-1",
        "confident-misreading",
        "new-digit",
        "new-digit-2-of-3",
        "blip",
        "blip-beside-digit",
        "two-digits",
    ],
)
def test_what_is_shown(frames, expected):
    assert [shown(result) for result in run(frames)] == expected


@pytest.mark.parametrize("missing", [1, 2, 4, 5, 8])
def test_a_digit_that_leaves_is_dropped_after_max_missed_frames(missing):
    config = TrackerConfig()
    frames = [[at(*A, 2)]] * 3 + [[]] * missing + [[at(*A, 2)]] * 2
    results = run(frames, config)
    assert all(shown(r) == [] for r in results[3 : 3 + missing])  # gone as soon as it is not seen
    back = [shown(r) for r in results[3 + missing :]]
    # A short gap keeps the track: shown again at once with its id. After max_missed
    # frames it was dropped: a new track, confirmed on its second frame.
    assert back == ([[(2, 1)], [(2, 1)]] if missing < config.max_missed else [[], [(2, 2)]])


@pytest.mark.parametrize("step", [0, 4, 12], ids=["still", "slow", "fast"])
def test_two_digits_crossing_keep_their_ids(step):
    """A 3 moving right and an 8 moving left pass each other half a box apart vertically."""
    frames = [[at(100 + step * k, 100, 3), at(300 - step * k, 120, 8)] for k in range(20)]
    if step == 12:  # at the crossing the two boxes overlap: 24 px across, 36 px down
        three, eight = (d.box for d in frames[9])
        assert eight[0] + W - three[0] == 24 and three[1] + H - eight[1] == 36
    for result in run(frames)[1:]:
        assert shown(result) == [(3, 1), (8, 2)]


@pytest.mark.parametrize(
    "shift, same_id",
    [((0, 0), True), ((15, 0), True), ((0, 17), True), ((40, 0), False)],
    ids=["none", "jerk-right", "jerk-down", "another-place"],
)
def test_a_jerk_of_the_camera_keeps_the_track(shift, same_id):
    """Past the IoU limit, centre distance (0.6 box heights) still links a small digit."""
    small = dict(w=20, h=30)
    frames = [[at(200, 200, 6, **small)]] * 3 + [[at(200 + shift[0], 200 + shift[1], 6, **small)]] * 2
    results = run(frames)
    assert [shown(r) for r in results] == (
        [[], [(6, 1)], [(6, 1)], [(6, 1)], [(6, 1)]] if same_id else [[], [(6, 1)], [(6, 1)], [], [(6, 2)]]
    )


@pytest.mark.parametrize(
    "tracks, detections, expected",
    [
        ([], [], np.zeros((0, 0))),
        ([(0, 0, 40, 56)], [], np.zeros((1, 0))),
        ([(0, 0, 40, 56)], [(0, 0, 40, 56)], [[2.0]]),  # same box: 1 + IoU
        ([(0, 0, 40, 56)], [(20, 0, 40, 56)], [[1 + 1 / 3]]),  # IoU 1/3 >= 0.3
        ([(0, 0, 20, 30)], [(15, 0, 20, 30)], [[1 - 15 / 18]]),  # IoU 0.14: centre distance 15 of 18
        ([(0, 0, 20, 30)], [(100, 0, 20, 30)], [[0.0]]),
        # An overlap match of the same detection leaves no distance match for another track.
        ([(0, 0, 20, 30), (14, 0, 20, 30)], [(14, 0, 20, 30)], [[0.0], [2.0]]),
        # A blob half the size in the same place is a fragment, not the digit.
        ([(0, 0, 42, 54)], [(0, 0, 20, 34), (0, 0, 42, 60)], [[0.0, 1.9]]),
    ],
    ids=["empty", "no-detections", "same", "overlap", "near", "far", "overlap-wins", "size-jump"],
)
def test_match_scores(tracks, detections, expected):
    scores = match_scores(np.array(tracks, float).reshape(-1, 4), np.array(detections).reshape(-1, 4), TrackerConfig())
    np.testing.assert_allclose(scores, np.array(expected, float).reshape(scores.shape))
    assert scores.shape == (len(tracks), len(detections))


def test_a_digit_broken_into_fragments_keeps_its_label():
    """A thin 4 that falls apart into two strokes read as 1s for two frames, then is whole
    again, is still the 4 of track 1: the fragments never join its vote."""
    four = [at(100, 100, 4, w=42, h=54)]
    pieces = [at(100, 100, 1, w=20, h=34), at(120, 118, 1, w=22, h=36)]
    results = run([four] * 3 + [pieces] * 2 + [four] * 2)
    assert [d.label for d in results[-1].digits if d.track == 1] == [4]
    assert all(d.track != 1 for r in results[3:5] for d in r.digits)


def test_a_panning_camera_keeps_every_id():
    frames = [[at(60 + 8 * k, 80, 1), at(160 + 8 * k, 80, 2), at(60 + 8 * k, 300, 9)] for k in range(30)]
    results = run(frames)
    assert all(shown(r) == [(1, 1), (2, 2), (9, 3)] for r in results[1:])


@pytest.mark.parametrize("grouped", [True, False], ids=["recognizer-numbers", "digits-only"])
def test_numbers_are_regrouped_from_smoothed_digits(grouped):
    """A "407" whose 0 reads as 6 in one frame stays "407"; its digits carry their ids."""

    def row(middle):
        return [at(100, 100, 4), at(150, 100, middle), at(200, 100, 7)]

    tracker = Tracking(Config())
    frames = [row(0), row(0), row(6), row(0)]
    results = [tracker.update(frame(digits, i, grouped)) for i, digits in enumerate(frames)]
    assert [[n.text for n in r.numbers] for r in results] == [[], ["407"], ["407"], ["407"]]
    assert [d.track for d in results[2].numbers[0].digits] == [1, 2, 3]
    assert [d.label for d in results[2].digits] == [4, 0, 7]


def test_the_tracker_sees_digits_only():
    """Per detection its tracked digit, or None until its track is confirmed."""
    tracker = Tracker()
    assert tracker.update([at(*A, 3)], (640, 480)) == TrackedDigits((None,), ())
    tracked = tracker.update([at(*A, 3), at(*B, 4)], (640, 480))
    assert [d and (d.label, d.track) for d in tracked.detected] == [(3, 1), None]
    assert tracked.shown == tracked.detected[:1]


def test_an_unconfirmed_digit_splits_its_number():
    """A digit seen for the first time is not shown yet, nor read as part of a number."""
    tracker = Tracking(Config())
    tracker.update(frame([at(100, 100, 4), at(150, 100, 0)]))
    result = tracker.update(frame([at(100, 100, 4), at(150, 100, 0), at(200, 100, 7)]))
    assert [n.text for n in result.numbers] == ["40"]


def test_confidence_is_the_winning_labels_share_of_the_votes():
    results = run([[at(*A, 7, 0.9)], [at(*A, 1, 0.9)], [at(*A, 7, 0.9)]])
    digit = results[2].digits[0]
    assert (digit.label, digit.confidence) == (7, pytest.approx(1.8 / 3))


def test_result_keeps_frame_fields_and_boxes_and_to_dict_has_track_ids():
    tracker = Tracking(Config())
    tracker.update(frame([at(*A, 5)], 10))
    result = tracker.update(frame([at(A[0] + 3, A[1], 5)], 11))
    record = result.to_dict()
    assert (record["frame"], record["width"], record["height"]) == (11, 640, 480)
    assert record["digits"] == [{"label": 5, "confidence": 0.9, "box": [A[0] + 3, A[1], W, H], "track": 1}]
    assert record["numbers"] == [{"text": "5", "confidence": 0.9, "box": [A[0] + 3, A[1], W, H]}]


def test_reset_forgets_tracks_and_restarts_ids():
    tracker = Tracking(Config())
    for i in range(3):
        tracker.update(frame([at(*A, 3), at(*B, 4)], i))
    tracker.reset()
    assert tracker.update(frame([at(*B, 4)])).digits == ()  # unconfirmed again
    assert shown(tracker.update(frame([at(*B, 4)], 1))) == [(4, 1)]


def test_coasting_shows_a_missed_digit_where_it_should_be():
    config = TrackerConfig(coast_frames=1)
    frames = [[at(100 + 10 * k, 100, 8)] for k in range(4)] + [[]] * 3
    results = run(frames, config)
    assert shown(results[4]) == [(8, 1)]
    assert 135 <= results[4].digits[0].box[0] <= 140  # moved on at about its velocity
    assert results[5].digits == () and results[6].digits == ()  # coasts one frame only


@pytest.mark.parametrize(
    "changes",
    [
        dict(match_iou=0.0),
        dict(history=0),
        dict(confirm_hits=4, confirm_window=3),
        dict(max_missed=0),
        dict(coast_frames=5),
        dict(velocity_smoothing=1.0),
    ],
    ids=lambda c: next(iter(c)),
)
def test_config_rejects_impossible_values(changes):
    with pytest.raises(ValueError, match="invalid TrackerConfig"):
        TrackerConfig(**changes)


def _dense_match_scores(predicted, boxes, config):
    """match_scores as first written: every track against every detection."""
    boxes = boxes.astype(np.float64)
    px, py, pw, ph = predicted.T[:, :, None]
    x, y, w, h = boxes.T[:, None, :]
    inter = np.maximum(np.minimum(px + pw, x + w) - np.maximum(px, x), 0.0) * np.maximum(
        np.minimum(py + ph, y + h) - np.maximum(py, y), 0.0
    )
    overlap = inter / (pw * ph + w * h - inter)
    scores = np.where(overlap >= config.match_iou, overlap + 1.0, 0.0)
    lone_rows, lone_columns = ~scores.any(axis=1), ~scores.any(axis=0)
    if config.max_centre_distance > 0 and lone_rows.any() and lone_columns.any():
        reach = config.max_centre_distance * np.maximum(ph, h)
        distance = np.hypot((px + pw / 2) - (x + w / 2), (py + ph / 2) - (y + h / 2))
        near = np.where(distance < reach, 1.0 - distance / reach, 0.0)
        scores = np.where(lone_rows[:, None] & lone_columns[None, :], near, scores)
    change = np.maximum(np.maximum(w / pw, pw / w), np.maximum(h / ph, ph / h))
    return np.where(change <= config.max_size_change, scores, 0.0)


@pytest.mark.parametrize("seed", range(6))
def test_match_scores_from_near_pairs_equal_all_pairs(seed):
    """Scoring only the pairs near enough to score gives every score of the full table."""
    rng = np.random.default_rng(seed)
    detections = np.column_stack(
        [rng.integers(0, 600, 80), rng.integers(0, 440, 80), rng.integers(8, 40, 80), rng.integers(15, 60, 80)]
    )
    moved = detections[: 60 if seed % 2 else 10] + rng.normal(0, 6, (60 if seed % 2 else 10, 4))
    moved[:, 2:] = np.maximum(moved[:, 2:], 2.0)  # a track keeps a positive size
    predicted = np.vstack([moved, rng.uniform(0, 600, (20, 4)) + [0, 0, 10, 10]])
    config = TrackerConfig()
    expected = _dense_match_scores(predicted, detections, config)
    assert (expected > 1).any() and ((expected > 0) & (expected < 1)).any()  # overlap and centre matches
    np.testing.assert_array_equal(match_scores(predicted, detections, config), expected)
