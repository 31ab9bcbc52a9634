"""The sample clips: they match their ground-truth sidecars and the script that makes them, and
the Recognizer with the Tracker reads them about as well as ``python -m bench.video_accuracy``
measured, with less flicker than without tracking."""

import itertools
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.make_videos import CLIPS, FPS, FRAME_MARGIN, FRAME_SIZE, render_clip
from bench.video_accuracy import evaluate_clip, read_frames
from bench.video_metrics import TruthFrame, read_sidecar, score_frames
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Digit, FrameResult

VIDEOS = Path(__file__).resolve().parent.parent / "sample_videos"
NAMES = sorted(CLIPS)
MAX_BYTES = 5_000_000  # the limit per clip
MODEL = None  # the shipped model
# Largest difference (grey levels, 99.9th percentile, both blurred with sigma 2 px to drop
# the sensor noise the codec smooths away) between a rendered frame and the same frame
# decoded from the mp4v file: compression error measures 5-8; ink moved by the camera
# between two consecutive frames already measures 65.
MAX_CODEC_ERROR = 20.0


def test_every_clip_has_a_sidecar_and_a_recipe():
    assert NAMES and sorted(p.stem for p in VIDEOS.glob("*.mp4")) == NAMES
    assert sorted(p.stem for p in VIDEOS.glob("*.jsonl")) == NAMES
    assert any(spec.board for spec in CLIPS.values())  # light writing on a dark board


@pytest.mark.parametrize("name", NAMES)
def test_clip_matches_its_sidecar(name):
    video, sidecar = VIDEOS / f"{name}.mp4", VIDEOS / f"{name}.jsonl"
    assert video.stat().st_size < MAX_BYTES
    capture = cv2.VideoCapture(str(video))
    assert capture.isOpened()
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(FPS)
    capture.release()
    shapes = [frame.shape for _, _, frame in read_frames(video)]
    frames = len(shapes)
    truth = read_sidecar(sidecar)
    assert set(shapes) == {(FRAME_SIZE[1], FRAME_SIZE[0], 3)} == {(480, 640, 3)}
    assert frames == len(truth) and 5 * FPS <= frames <= 15 * FPS
    assert [t.time for t in truth] == [pytest.approx(i / FPS, abs=1e-3) for i in range(frames)]
    width, height = FRAME_SIZE
    for t in truth:
        for label, (x, y, w, h) in t.digits:
            assert 0 <= label <= 9 and w > 0 and h > 0
            assert x >= FRAME_MARGIN and y >= FRAME_MARGIN
            assert x + w <= width - FRAME_MARGIN and y + h <= height - FRAME_MARGIN
        for text, (x, y, w, h) in t.numbers:
            inside = [
                label
                for label, (dx, dy, dw, dh) in t.digits
                if dx >= x and dy >= y and dx + dw <= x + w and dy + dh <= y + h
            ]
            assert len(text) >= 2 and sorted(map(int, text)) == sorted(inside)
    counts = [len(t.digits) for t in truth]
    assert min(counts) < max(counts)  # digits enter and leave the frame
    assert sum(len(t.numbers) for t in truth) > 0


@pytest.mark.parametrize("name", NAMES)
def test_committed_clip_is_what_the_script_makes(name):
    """The first frames, rendered afresh, equal the sidecar and (up to compression) the video."""
    video = VIDEOS / f"{name}.mp4"
    truth = read_sidecar(VIDEOS / f"{name}.jsonl")
    decoded = read_frames(video)
    for (image, digits, numbers), (index, _, frame) in itertools.islice(zip(render_clip(CLIPS[name]), decoded), 3):
        # Boxes within 1 px: another CPU's float rounding may move an ink edge across alpha 0.5.
        assert [label for label, _ in digits] == [label for label, _ in truth[index].digits]
        assert [text for text, _ in numbers] == [text for text, _ in truth[index].numbers]
        boxes = [box for _, box in digits + numbers]
        expected = [box for _, box in truth[index].digits + truth[index].numbers]
        assert np.abs(np.subtract(boxes, expected)).max(initial=0) <= 1
        rendered, decoded_frame = (cv2.GaussianBlur(f.astype(np.float32), (0, 0), 2.0) for f in (image, frame))
        assert np.percentile(np.abs(rendered - decoded_frame), 99.9) < MAX_CODEC_ERROR


def result(frame, *digits):
    return FrameResult(640, 480, digits=tuple(Digit(label=n, confidence=0.9, box=b) for n, b in digits), frame=frame)


BOX, MOVED, FAR = (10, 10, 40, 56), (13, 10, 40, 56), (300, 300, 40, 56)


@pytest.mark.parametrize(
    "results, truth, f1, changes, matched",
    [
        ([], [], 1.0, 0, 0),
        ([result(0), result(1)], [[], []], 1.0, 0, 0),
        ([result(0, (7, BOX)), result(1, (7, MOVED))], [[(7, BOX)], [(7, MOVED)]], 1.0, 0, 2),
        # 7, 1, 7 on one moving digit: two changes in three matched digit-frames.
        (
            [result(0, (7, BOX)), result(1, (1, MOVED)), result(2, (7, BOX))],
            [[(7, BOX)], [(7, MOVED)], [(7, BOX)]],
            0.6666,
            2,
            3,
        ),
        # A frame where the digit is not found does not reset what it read before.
        ([result(0, (7, BOX)), result(1), result(2, (1, BOX))], [[(7, BOX)]] * 3, 0.4, 1, 2),
        # Two different true digits are followed apart; only frames scored count.
        ([result(0, (7, BOX), (2, FAR)), result(2, (7, BOX), (2, FAR))], [[(7, BOX), (2, FAR)]] * 3, 1.0, 0, 4),
    ],
    ids=["empty", "no-digits", "steady", "flicker", "missed-frame", "every-2nd-frame"],
)
def test_score_frames(results, truth, f1, changes, matched):
    frames = [TruthFrame(i, i / FPS, tuple(digits), ()) for i, digits in enumerate(truth)]
    score = score_frames(results, frames)
    assert score.f1 == pytest.approx(f1, abs=1e-3)
    assert (score.label_changes, score.matched_digit_frames) == (changes, matched)
    assert score.label_changes_per_100 == (100 * changes / matched if matched else 0.0)


def test_score_frames_refuses_frames_past_the_sidecar():
    with pytest.raises(ValueError, match="past the sidecar"):
        score_frames([result(3)], [TruthFrame(0, 0.0, (), ())])


def test_sidecar_lines_have_the_documented_shape():
    with (VIDEOS / f"{NAMES[0]}.jsonl").open() as lines:
        record = json.loads(next(lines))
    assert set(record) == {"frame", "time", "digits", "numbers"}
    assert all(set(d) == {"label", "box"} for d in record["digits"])
    assert all(set(n) == {"text", "box"} for n in record["numbers"])


@pytest.fixture(scope="module")
def reports():
    recognizer = Recognizer(MODEL)
    return {name: evaluate_clip(recognizer, VIDEOS / f"{name}.mp4") for name in NAMES}


# A little worse than `python -m bench.video_accuracy` measured with the shipped model
# (F1 / flicker with tracking: chalkboard 0.992 / 0.00, pan_zoom 0.964 / 0.15,
# shaky_numbers 0.974 / 0.32), so a regression fails. The flicker comes from two digits
# (a 2 drawn like a 7 on pan_zoom, a hooked 1 read as 6 in blurred frames of shaky_numbers).
@pytest.mark.parametrize(
    "name, min_f1, max_flicker",
    [
        ("chalkboard", 0.98, 0.1),
        ("pan_zoom", 0.955, 0.25),
        ("shaky_numbers", 0.96, 0.45),
    ],
)
def test_recognizer_and_tracker_on_clip(reports, name, min_f1, max_flicker):
    report = reports[name]
    assert report.tracked.f1 >= min_f1, report
    assert report.tracked.label_changes_per_100 <= max_flicker, report


def test_tracking_reduces_flicker_at_little_cost_in_f1(reports):
    raw = sum(r.raw.label_changes for r in reports.values())
    tracked = sum(r.tracked.label_changes for r in reports.values())
    assert tracked <= raw / 2, reports  # measured: 20 label changes instead of 81
    for report in reports.values():
        assert report.tracked.label_changes_per_100 <= report.raw.label_changes_per_100, report
        # The price: a new digit shows from its second frame on.
        assert report.tracked.f1 >= report.raw.f1 - 0.01, report
