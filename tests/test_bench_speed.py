"""bench.speed and its parts: the stage split adds up, the floor finds ink, the memory
sampler sees a child's own memory, and the targets table calls a miss a miss.

The Keras tutorial baseline is not run here (importing TensorFlow alone takes seconds);
its crops are, since they need only OpenCV.
"""

from __future__ import annotations

import sys

import cv2
import numpy as np
import pytest

from bench import cli_runs, speed
from bench.baseline import (
    BaselineTimes,
    FloorTimes,
    floor_contours,
    time_floor,
    tutorial_crops,
)
from bench.speed_targets import VGA, Figures, Target, target_row, targets
from bench.stage_times import (
    NOISE,
    STAGES,
    CaseTimes,
    render_case,
    time_calls,
    time_case,
    time_cases,
    time_stages,
)
from camdigits.config import PATCH_SIZE
from camdigits.recognition.recognizer import STAGES as RECOGNIZE_STAGES
from camdigits.recognition.recognizer import Recognizer

DIGITS = 10


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return Recognizer()


@pytest.fixture(scope="module")
def scenes() -> list[np.ndarray]:
    return render_case(VGA, DIGITS, 3)


def test_stages_add_up_to_one_recognize_call(recognizer, scenes):
    for scene in scenes * 3:  # warm up
        recognizer.recognize(scene)
    frames = 12
    whole = np.min(time_calls(lambda i: recognizer.recognize(scenes[i % len(scenes)]), frames))
    stages = time_stages(recognizer, scenes, frames)
    assert all(len(ms) == frames and (ms >= 0).all() for ms in stages.values())
    assert np.median(stages["classify"]) > 0  # 10 digits: the interpreter ran
    # Per-frame sums, and the least of each: another process's load only adds time (compared
    # by their medians, the two runs failed this check once in a full `pytest -n 2` run).
    split = np.min(sum(stages.values()))
    assert 0.6 * whole < split < 1.6 * whole, (split, whole)
    assert recognizer.stage_hook is None  # unset again: recognize() costs nothing extra


def test_stage_hook_names_every_stage_once_in_order(recognizer, scenes):
    named = []
    recognizer.stage_hook = named.append
    try:
        result = recognizer.recognize(scenes[0])
    finally:
        recognizer.stage_hook = None
    assert tuple(named) == RECOGNIZE_STAGES
    assert result == recognizer.recognize(scenes[0])


def test_time_case_times_every_stage(recognizer):
    case = time_case(recognizer, VGA, 0, frames=3)
    assert (case.size, case.digits) == (VGA, 0)
    assert set(case.stages) == set(STAGES)
    assert all(len(ms) == 3 for ms in [case.recognize, *case.stages.values()])
    assert (case.recognize > 0).all()


def test_cases_taking_turns_keep_each_case_apart(recognizer):
    """Interleaved cases: every frame of each case is timed, on that case's own scenes."""
    cases = time_cases(recognizer, [(VGA, 0), (VGA, DIGITS)], frames=6, rounds=3)
    assert [(c.size, c.digits) for c in cases] == [(VGA, 0), (VGA, DIGITS)]
    for case in cases:
        assert all(len(ms) == 6 for ms in [case.recognize, *case.stages.values()])
    # no digits: no interpreter call
    assert np.median(cases[0].stages["classify"]) < np.median(cases[1].stages["classify"])


def test_noise_case_frames_are_distinct_noise_with_no_digits_read(recognizer):
    frames = render_case(VGA, NOISE, 4)
    assert [f.shape for f in frames] == [(480, 640, 3)] * 4
    assert len({f.tobytes() for f in frames}) == 4
    assert all(f.std() > 10 for f in frames)  # noise, blurred or not, not a flat page
    assert sum(len(recognizer.recognize(f).digits) for f in frames) == 0  # grain, cleared by blocks


@pytest.mark.parametrize("noise_ms, met", [(None, None), (11.9, True), (12.1, False)])
def test_noise_target_is_against_the_headline_frame(noise_ms, met):
    cases = [CaseTimes(VGA, 10, np.full(9, 4.0), {})]
    if noise_ms is not None:
        cases.append(CaseTimes(VGA, NOISE, np.full(9, noise_ms), {stage: np.full(9, 1.0) for stage in STAGES}))
    verdicts = {t.figure: t.met for t in targets(Figures(cases=tuple(cases)))}
    assert verdicts["recognize() 640x480 noise frame / 10-digit frame, medians"] is met
    if noise_ms is not None:
        assert speed.case_row(cases[1])[1] == "noise"


def test_floor_finds_the_ink_of_a_scene(recognizer, scenes):
    mask, contours = floor_contours(scenes[0], recognizer.config)
    assert mask.shape == scenes[0].shape[:2]
    assert np.count_nonzero(mask) > 0
    assert len(contours) >= DIGITS


def test_time_floor_wraps_around_a_short_clip(recognizer, scenes, tmp_path):
    clip = cli_runs.write_clip(tmp_path / "three.mp4", scenes, len(scenes))
    floor = time_floor(clip, recognizer, frames=5)  # more frames than the clip: starts again
    assert floor.size == VGA
    for ms in (floor.decode, floor.floor, floor.recognize):
        assert len(ms) == 5 and (ms > 0).all()
    assert np.median(floor.digits) >= DIGITS - 2  # mp4v blurs a little; nearly every digit is still read
    assert floor.ratio > 1.0  # recognize() does more than the floor


def test_tutorial_crops_are_mnist_sized_patches(recognizer, scenes):
    crops = tutorial_crops(scenes[0], recognizer.config)
    assert DIGITS - 2 <= len(crops) <= 3 * DIGITS
    for crop in crops:
        assert crop.shape == (PATCH_SIZE, PATCH_SIZE, 1) and crop.dtype == np.float32
        assert 0.0 <= crop.min() and crop.max() <= 1.0


def test_sample_rss_sees_the_child_not_the_benchmark():
    # 60 MB in the child; the test process itself is bigger than that, and must not count.
    command = [sys.executable, "-c", "import time; x = bytearray(60_000_000); time.sleep(0.8)"]
    run = cli_runs.sample_rss(command, interval=0.05)
    assert run.peak_mb >= 57
    assert run.peak_mb - 1 <= run.max_rss_mb < run.peak_mb + 40


def test_sample_rss_raises_when_the_command_fails():
    with pytest.raises(RuntimeError, match="exited with 3"):
        cli_runs.sample_rss([sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)"])


def test_rss_marks_and_growth():
    samples = tuple((t, 100.0 + t) for t in range(11))  # 1 MB a second, 10 s
    run = cli_runs.RssRun(samples, wall_s=10.0, frames=300, max_rss_mb=110.0)
    assert run.peak_mb == 110.0
    assert [run.at(mark) for mark in cli_runs.RSS_MARKS] == [102.0, 105.0, 107.0, 110.0]
    assert run.growth_mb == 8.0
    exiting = cli_runs.RssRun((*samples[:-1], (10, 60.0)), wall_s=10.0, frames=300, max_rss_mb=110.0)
    assert exiting.growth_mb == 7.0  # the drop of the exit does not hide growth before it


def test_video_throughput_takes_out_start_up():
    run = cli_runs.VideoThroughput((640, 480), frames=301, wall_s=3.0, start_s=1.0)
    assert run.fps == pytest.approx(301 / 3.0)
    assert run.fps_after_start == pytest.approx(150.0)


@pytest.mark.parametrize(
    ("target", "row"),
    [
        (Target("a", None, 4.0, "ms"), ["a", "not measured", "<= 4.00 ms", "-"]),
        (Target("a", 3.9, 4.0, "ms"), ["a", "3.90 ms", "<= 4.00 ms", "yes"]),
        (Target("a", 4.0, 4.0, "ms"), ["a", "4.00 ms", "<= 4.00 ms", "yes"]),
        (Target("a", 5.0, 4.0, "ms"), ["a", "5.00 ms", "<= 4.00 ms", "**no**: missed by 1.00 ms (25 %)"]),
        (Target("a", 8.008, 8.0, "ms"), ["a", "8.01 ms", "<= 8.00 ms", "**no**: missed by < 0.01 ms (0.1 %)"]),
        (
            Target("b", 120.0, 150.0, "fps", at_least=True),
            ["b", "120 fps", ">= 150 fps", "**no**: missed by 30.0 fps (20 %)"],
        ),
        (Target("c", 3.0, 2.5, "x"), ["c", "3.00x", "<= 2.50x", "**no**: missed by 0.50x (20 %)"]),
        (Target("d", 250.0, 100.0, "x", at_least=True), ["d", "250x", ">= 100x", "yes"]),
    ],
)
def test_target_row(target, row):
    assert target_row(target) == row


def test_targets_use_the_headline_case_and_mark_skipped_parts():
    slow = CaseTimes(VGA, 10, np.full(100, 5.0), {})
    verdicts = {t.figure: t.met for t in targets(Figures(cases=(slow,)))}
    assert verdicts["recognize() 640x480, 10 digits, median"] is False
    assert verdicts["recognize() 640x480, 10 digits, p99"] is True
    assert verdicts["recognize() 640x480, 30 digits, median"] is None  # not measured
    assert verdicts["peak RSS of a video run"] is None
    assert "not measured" in speed.targets_table(Figures(cases=(slow,)))


def test_section_tables_have_one_cell_per_column():
    rng = np.random.default_rng(0)
    case = CaseTimes(VGA, 10, rng.uniform(3, 5, 50), {stage: rng.uniform(0, 1, 50) for stage in STAGES})
    floor = FloorTimes(VGA, *(rng.uniform(1, 2, 50) for _ in range(3)), np.full(50, 10.0))
    video = cli_runs.VideoThroughput(VGA, 300, 2.0, 0.5)
    rss = cli_runs.RssRun(((0.0, 50.0), (1.0, 120.0), (2.0, 121.0)), 2.0, 60, 125.0)
    baseline = BaselineTimes(np.full(5, 800.0), np.full(5, 10.0))
    snapshot = cli_runs.SnapshotThroughput(2, 500, 20.0)
    figures = Figures((case,), (floor,), (video,), 0.4, rss, baseline)
    for text in (
        speed.table(speed.CASE_HEADER, [speed.case_row(case)]),
        speed.floor_table([floor]),
        speed.video_table([video]),
        speed.rss_table(rss),
        speed.snapshot_table([snapshot]),
        speed.baseline_table(baseline, figures),
        speed.targets_table(figures),
    ):
        header, _, *rows = text.splitlines()
        assert rows and all(row.count("|") == header.count("|") for row in rows), text
    assert "not measured" not in speed.targets_table(figures).split("30 digits")[0]


def test_the_memory_run_gives_its_frame_rate():
    """The 60 s clip's rate, start-up included: the video figure of a longer video."""
    rss = cli_runs.RssRun(((0.0, 50.0), (1.0, 120.0), (2.0, 121.0)), 12.0, 1800, 125.0)
    header, _, row = speed.rss_table(rss).splitlines()
    cells = dict(zip(header.split("|"), row.split("|")))
    assert cells[" fps (wall, start-up included) "].strip() == "150"


def test_quick_caps_the_counts():
    args = speed.parse_args(["--quick", "--frames", "500"])
    assert args.frames == speed.QUICK_FRAMES
    assert args.video_runs == args.cold_runs == speed.QUICK_RUNS
    assert args.rss_seconds <= speed.QUICK_RSS_SECONDS
    assert args.photos == speed.QUICK_PHOTOS
    assert speed.parse_args([]).photos == 500
    assert speed.parse_args([]).frames == 200


def test_tree_rss_counts_the_worker_processes():
    """camdigits video recognises in worker processes; their memory is part of the run's."""
    import subprocess
    import sys
    import time

    from bench.cli_runs import descendants, read_rss_mb, read_tree_rss_mb

    script = (
        "import subprocess, sys, time; "
        "c = subprocess.Popen([sys.executable, '-c', 'b = bytearray(80 * 2**20); import time; time.sleep(30)']); "
        "time.sleep(30)"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 10
        while not (children := descendants(parent.pid)) or (read_rss_mb(children[0]) or 0) < 80:
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        own, tree = read_rss_mb(parent.pid), read_tree_rss_mb(parent.pid)
        assert tree >= own + 80
    finally:
        for pid in descendants(parent.pid):
            subprocess.run(["kill", str(pid)], check=False)
        parent.kill()
        parent.wait()


def test_photos_take_the_sizes_in_turn_and_snapshot_reads_them_all(monkeypatch, tmp_path):
    """Small sizes stand in for the real ones; the second is rendered smaller and scaled up."""
    monkeypatch.setattr(cli_runs, "PHOTO_SIZES", ((320, 240), (480, 640)))
    monkeypatch.setattr(cli_runs, "PHOTO_RENDER_SIDE", 400)
    photos = cli_runs.write_photos(tmp_path / "photos", 5, scenes_per_size=2)
    assert [p.suffix for p in photos] == [".jpg"] * 5
    assert [cv2.imread(str(p)).shape[1::-1] for p in photos] == [(320, 240), (480, 640)] * 2 + [(320, 240)]
    assert photos[0].read_bytes() != photos[2].read_bytes() and photos[0].read_bytes() == photos[4].read_bytes()
    run = cli_runs.snapshot_throughput(photos, 2, tmp_path, runs=1)
    assert (run.workers, run.images) == (2, 5) and run.images_per_s > 0
    assert len((tmp_path / "snapshot.jsonl").read_text().splitlines()) == 5


def test_snapshot_throughput_in_images_per_second():
    assert cli_runs.SnapshotThroughput(2, 500, 20.0).images_per_s == pytest.approx(25.0)
