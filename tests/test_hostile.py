"""Hostile input, full disks and signals (issue 16), each through the real command line in
its own process: the exit code, exactly one line per problem on stderr (library chatter
included, which only a separate process shows), bounded memory, and outputs that are
whole or absent."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.bounds import hostile_image, rss_bound_mb
from bench.cli_runs import LAUNCHER
from camdigits.config import Config
from camdigits.recognition.classify import default_model_path
from tests.test_sources import SMALL, encode
from tests.test_video_mode import SAMPLE, page_image, video_properties, write_clip

REPO = Path(__file__).resolve().parent.parent
MODEL = default_model_path()
# Peak RSS of a process that only refuses a file from its header: Python, OpenCV, LiteRT and
# the model, with room to spare, far below what decoding any of these files would take.
REFUSED_MB = 250


def camdigits(*args: str | Path, prefix: list[str] = (), **kwargs) -> subprocess.CompletedProcess:
    """``python -m camdigits ARGS`` in a fresh process, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "camdigits", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def peak_rss(*args: str | Path) -> tuple[subprocess.CompletedProcess, float]:
    """``camdigits ARGS`` through bench.cli_runs.LAUNCHER: the result, and its peak RSS in MB."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", LAUNCHER, sys.executable, "-m", "camdigits", *map(str, args)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    _, report = done.stdout.splitlines()
    max_rss_kib, code = (int(word) for word in report.split())
    return subprocess.CompletedProcess(args, code, "", done.stderr), max_rss_kib / 1024


def one_error_line(done: subprocess.CompletedProcess, *parts: str) -> str:
    assert len(done.stderr.splitlines()) == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("camdigits: error: ") and all(part in line for part in parts), line
    return line


def whole_json_lines(path: Path) -> list[dict]:
    text = path.read_text()
    assert text == "" or text.endswith("\n"), "a cut-off last line"
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def page(tmp_path) -> Path:
    path = tmp_path / "page.png"
    path.write_bytes(encode(".png", page_image()))
    return path


@contextlib.contextmanager
def small_disk(tmp_path: Path, size: str = "2m"):
    """A folder on a tmpfs of ``size``: a disk that fills up. Needs root (CI runs as root)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to fill up ({mounted.stderr.strip() or 'mount failed'}); needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the disk of ``folder``, then free ``leave`` bytes again."""
    filler = folder / "filler"
    with open(filler, "wb") as file:
        with contextlib.suppress(OSError):
            while True:
                file.write(b"\0" * 65536)
                file.flush()
    size = filler.stat().st_size
    os.truncate(filler, max(size - leave, 0))


# --- 1: memory and time bounded by the pixels ---------------------------------------------


@pytest.mark.parametrize("kind", ["noise", "texture", "page"])
def test_noise_texture_and_print_stay_within_the_memory_bound(kind, tmp_path):
    size = (1200, 900)
    path, jsonl = tmp_path / f"{kind}.png", tmp_path / "out.jsonl"
    cv2.imwrite(str(path), hostile_image(kind, size))
    done, rss = peak_rss("snapshot", path, "--json", jsonl)
    assert done.returncode == 0 and done.stderr == ""
    assert rss <= rss_bound_mb(size[0] * size[1]), rss
    [record] = whole_json_lines(jsonl)
    assert (record["width"], record["height"]) == size


def test_blob_pairs_are_found_in_time_linear_in_the_blobs():
    """The pairs compared on noise grow with its blobs, not with the blobs sharing columns
    (the column sweep alone compared 972k pairs for 13.5k blobs at 1 MP)."""
    from camdigits.recognition.blobs import MAX_PAIRS_PER_BLOB, outer_contours
    from camdigits.recognition.geometry import overlapping_boxes
    from camdigits.recognition.threshold import binarize, to_dark_ink

    for side in (500, 1000):
        gray = hostile_image("noise", (side, side))
        mask = binarize(to_dark_ink(gray, Config()), Config())
        contours, outer, _ = outer_contours(mask)
        x0, y0, w, h = np.array([cv2.boundingRect(contours[i]) for i in outer]).T
        assert overlapping_boxes(x0, x0 + w, y0, y0 + h, max_pairs=MAX_PAIRS_PER_BLOB * len(x0)) is not None


def test_a_page_of_filled_marks_is_not_tightened_mark_by_mark(monkeypatch):
    """494 filled squares 14 px wide (a checkerboard, filled bullets): none is a candidate,
    and none goes through the blob-by-blob tightening (with the density judged only after
    it, the candidate search took 19.6 ms on this page instead of 2.3)."""
    import camdigits.recognition.candidates as candidates
    from camdigits.recognition.threshold import binarize, to_dark_ink

    page = np.full((480, 640), 235, np.uint8)
    for y in range(10, 460, 24):
        for x in range(10, 620, 24):
            cv2.rectangle(page, (x, y), (x + 13, y + 13), 40, -1)
    config = Config()
    paper = to_dark_ink(page, config)
    tightened = []
    tighten = candidates._tighten
    monkeypatch.setattr(candidates, "_tighten", lambda *args, **kwargs: tightened.append(1) or tighten(*args, **kwargs))
    assert candidates.find_candidates(paper, binarize(paper, config), config) == []
    assert tightened == []


def test_blobs_whose_boxes_all_meet_give_the_same_candidates_past_the_pair_budget(monkeypatch):
    """Parallel diagonal lines across a page of digits: every line's box meets every other's,
    more pairs than the budget, so every blob is taken as not alone; which only costs time."""
    import camdigits.recognition.blobs as blobs
    import camdigits.recognition.candidates as candidates
    from camdigits.recognition.threshold import binarize, to_dark_ink

    page = cv2.cvtColor(page_image(), cv2.COLOR_BGR2GRAY)
    for offset in range(0, 400, 4):
        cv2.line(page, (offset, 0), (offset + 300, 300), 60, 1)
    config = Config()
    paper = to_dark_ink(page, config)
    mask = binarize(paper, config)
    contours, outer, _ = blobs.outer_contours(mask)
    boxes = np.array([cv2.boundingRect(contours[i]) for i in outer], np.int64)
    assert not blobs.alone_boxes(boxes).any()  # over the budget
    capped = candidates.find_candidates(paper, mask, config)
    monkeypatch.setattr(blobs, "MAX_PAIRS_PER_BLOB", 10**9)
    assert blobs.alone_boxes(boxes).any()  # within it: the exact answer
    exact = candidates.find_candidates(paper, mask, config)
    assert [c.box for c in capped] == [c.box for c in exact] and len(exact) > 0
    assert all(np.array_equal(a.ink, b.ink) for a, b in zip(capped, exact))


def test_candidate_cap_is_noted_in_json_and_on_the_console():
    from camdigits.io.sinks import describe
    from camdigits.recognition.recognizer import Recognizer

    # A page with more blobs than a lowered cap: texture no longer reaches it, since a frame
    # that is mostly ink is cleared (recognition.texture) and grain is dropped blob by blob.
    capped = Recognizer(config=replace(Config(), max_candidates=5)).recognize(page_image(), source="noise.png")
    assert capped.note.startswith("stopped at 5 candidates")
    assert capped.to_dict()["note"] == capped.note and describe(capped).endswith(f"({capped.note})")
    assert "note" not in Recognizer().recognize(page_image()).to_dict()  # ordinary frames: no note


# --- 2, 3: refused from the header, every format ------------------------------------------


def huge_gif() -> bytes:
    """35 bytes: a GIF whose screen is 32768x32767 px, with one 1x1 image on it."""
    screen = b"GIF89a" + struct.pack("<HHBBB", 32768, 32767, 0, 0, 0)
    image = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return screen + image + b";" + b"\0" * (35 - len(screen) - len(image) - 1)


def late_sof_jpeg() -> bytes:
    """A JPEG whose frame header, claiming 10000x9000 px, follows 300 KB of comments."""
    data = bytearray(encode(".jpg", SMALL))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 9000, 10000)
    comment = b"\xff\xfe" + struct.pack(">H", 65002) + b"x" * 65000
    return bytes(data[:2] + comment * 5 + data[2:])


def late_ifd_tiff(path: Path) -> None:
    """A TIFF as libtiff writes it, its directory after 360 KB of pixels (under the limit,
    so it must be read, not refused)."""
    cv2.imwrite(str(path), np.full((600, 600), 200, np.uint8), [cv2.IMWRITE_TIFF_COMPRESSION, 1])


def deflate_bomb_tiff(path: Path) -> None:
    """80 MP of zeros, deflated to a few hundred KB."""
    cv2.imwrite(str(path), np.zeros((8000, 10000), np.uint8), [cv2.IMWRITE_TIFF_COMPRESSION, 8])


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("screen.gif", lambda p: p.write_bytes(huge_gif()), "image too large (its header claims 1074 MP"),
        ("late-sof.jpg", lambda p: p.write_bytes(late_sof_jpeg()), "image too large (10000x9000 px = 90 MP"),
        ("bomb.tif", deflate_bomb_tiff, "image too large (10000x8000 px = 80 MP"),
    ],
)
def test_oversized_images_are_refused_from_the_header(name, make, message, tmp_path):
    path = tmp_path / name
    make(path)
    done, rss = peak_rss("snapshot", path)
    assert done.returncode == 1
    one_error_line(done, str(path), message)
    assert rss < REFUSED_MB, rss


def test_a_file_larger_than_any_image_under_the_limit_is_not_read(tmp_path):
    path = tmp_path / "padded.png"
    path.write_bytes(encode(".png", SMALL))
    os.truncate(path, 2 * 2**30)  # 2 GB, sparse: a PNG with gigabytes of trailing bytes
    done, rss = peak_rss("snapshot", path)
    assert done.returncode == 1
    one_error_line(done, str(path), "file too large for an image of at most 50 MP (2147 MB")
    assert rss < REFUSED_MB, rss


def test_a_tiff_whose_directory_lies_past_the_first_256_kb_is_read(tmp_path):
    from camdigits.io.images import image_size_from_header

    path = tmp_path / "late-ifd.tif"
    late_ifd_tiff(path)
    assert struct.unpack("<I", path.read_bytes()[4:8])[0] > 256 * 1024
    with open(path, "rb") as file:
        assert image_size_from_header(file) == (600, 600)


# --- 4, 6, 7: full disks and closed outputs -----------------------------------------------


def test_video_output_on_a_full_disk_fails_and_leaves_no_file(tmp_path):
    with small_disk(tmp_path) as disk:
        done = camdigits("--model", MODEL, "video", SAMPLE, "--output", disk / "x.mp4", "--json", tmp_path / "x.jsonl")
        assert done.returncode == 1
        one_error_line(done, f"{disk / 'x.mp4'}: the video could not be written", "no partial file is left")
        assert list(disk.iterdir()) == []
    assert len(whole_json_lines(tmp_path / "x.jsonl")) == video_properties(SAMPLE)[0]  # the other output is whole


def test_json_on_a_full_disk_keeps_whole_lines_only(tmp_path):
    with small_disk(tmp_path, "256k") as disk:
        fill(disk, leave=8192)
        done = camdigits("--model", MODEL, "video", SAMPLE, "--json", disk / "x.jsonl", "--workers", "1")
        assert done.returncode == 1
        one_error_line(done, f"{disk / 'x.jsonl'}: cannot write JSON Lines (No space left on device)")
        records = whole_json_lines(disk / "x.jsonl")
        assert [r["frame"] for r in records] == list(range(len(records)))
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "x.jsonl"]


@pytest.mark.parametrize("target", ["json", "stdout"])
def test_dev_full_is_one_line_not_a_traceback(target, page):
    if target == "json":
        done = camdigits("snapshot", page, "--json", "/dev/full")
        one_error_line(done, "/dev/full: cannot write JSON Lines (No space left on device)")
    else:
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "camdigits", "snapshot", str(page)],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONPATH": str(REPO)},
            )
        one_error_line(done, "standard output: cannot write (No space left on device)")
    assert done.returncode == 1


def test_annotated_images_on_a_full_disk_are_whole_or_absent(page, tmp_path):
    pages = []
    for index in range(40):
        pages.append(tmp_path / f"page-{index:02d}.png")
        pages[-1].write_bytes(encode(".png", cv2.add(page_image(), index)))  # PNGs of different sizes
    with small_disk(tmp_path, "1m") as disk:
        done = camdigits("snapshot", *pages, "--output", disk / "out")
        assert done.returncode == 1
        one_error_line(done, "cannot write the annotated image (No space left on device); nothing partial is left")
        written = sorted((disk / "out").iterdir())
        assert 0 < len(written) < 40 and not [p for p in written if p.name.startswith(".")]
        for path in written:
            assert cv2.imread(str(path)).shape == page_image().shape  # each decodes in full


# --- 5: signals -----------------------------------------------------------------------------


@contextlib.contextmanager
def hangup_by_default():
    """SIGHUP at its default while a child starts, which it then inherits. Run under nohup,
    the test process ignores SIGHUP, every child inherits that, and camdigits rightly keeps
    a caller's "ignore": the run then goes on to its end and exits 0."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_finalise_the_outputs(signum, tmp_path):
    out, jsonl = tmp_path / "o.mp4", tmp_path / "o.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONFAULTHANDLER": "1"}
    command = [
        sys.executable,
        "-m",
        "camdigits",
        "--model",
        str(MODEL),
        "video",
        str(SAMPLE),
        "--output",
        str(out),
        "--json",
        str(jsonl),
        "--workers",
        "2",
    ]
    # A session of its own, so that the signal can go to the whole process group, as a
    # closing terminal sends SIGHUP and `kill -TERM -PGID` sends SIGTERM.
    with hangup_by_default():
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while not (jsonl.exists() and len(jsonl.read_text().splitlines()) >= 5):
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.02)
        os.killpg(process.pid, signum)
        try:
            _, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            # PYTHONFAULTHANDLER prints every thread's stack on SIGABRT: where it hung.
            process.send_signal(signal.SIGABRT)
            stacks = process.communicate(timeout=30)[1]
            pytest.fail(f"no exit within 60 s of {signal.Signals(signum).name}:\n{stacks}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signum
    name = signal.Signals(signum).name
    assert stderr.splitlines() == [f"camdigits: stopped by {name}; the outputs written so far are closed and complete"]
    written = len(whole_json_lines(jsonl))
    assert 5 <= written < video_properties(SAMPLE)[0]
    assert video_properties(out)[:4] == (written, 640, 480, 30.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl", "o.mp4"]


# --- 8, 11: models ------------------------------------------------------------------------


def keras_tflite(path: Path, input_shape: tuple[int, ...], batch_size: int | None) -> Path:
    """A small .tflite classifier of ``input_shape`` with its batch fixed or free."""
    tf = pytest.importorskip("tensorflow")
    inputs = tf.keras.Input(shape=input_shape, batch_size=batch_size)
    outputs = tf.keras.layers.Dense(11, activation="softmax")(tf.keras.layers.Flatten()(inputs))
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inputs, outputs)).convert())
    return path


@pytest.mark.parametrize(
    "input_shape, batch_size, message",
    [
        ((28, 28, 1), 1, "the model cannot classify a batch of 2 patches (its input shape is (1, 28, 28, 1))"),
        ((32, 32, 1), None, "expected float32 input of shape (N, 28, 28, 1), got float32 (1, 32, 32, 1)"),
    ],
)
def test_a_model_that_cannot_run_is_refused_at_start(input_shape, batch_size, message, page, tmp_path):
    model = keras_tflite(tmp_path / "model.tflite", input_shape, batch_size)
    out = tmp_path / "out"
    done = camdigits("--model", model, "snapshot", page, "--json", tmp_path / "x.jsonl", "--output", out)
    assert done.returncode == 2
    line = one_error_line(done, str(model), message)
    assert "np." not in line
    assert not (tmp_path / "x.jsonl").exists() and not out.exists()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.mkdir(), "is a folder, not a model file"),
        (lambda p: p.write_bytes(b""), "empty file (0 bytes), not a .tflite model"),
    ],
)
def test_model_paths_that_are_not_models_say_what_they_are(make, message, page, tmp_path):
    model = tmp_path / "model.tflite"
    make(model)
    done = camdigits("--model", model, "snapshot", page)
    assert done.returncode == 2
    one_error_line(done, str(model), message)


# --- 9: many inputs -----------------------------------------------------------------------


def without_root_file_access() -> dict:
    """subprocess.run arguments under which root, too, is refused a file it has no permission
    for: the capabilities that let root read any file are dropped (util-linux setpriv)."""
    if os.geteuid() != 0:
        return {}
    if shutil.which("setpriv") is None:
        pytest.skip("root reads every file, and setpriv (util-linux) is not there to drop that")
    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]
    return {"prefix": drop}


def test_an_unreadable_image_is_one_error_line_and_the_rest_are_read(page):
    folder = Path(tempfile.mkdtemp())
    try:
        folder.chmod(0o777)  # the run below may be another user's
        unreadable, good = folder / "unreadable.png", folder / "good.png"
        unreadable.write_bytes(page.read_bytes())
        good.write_bytes(page.read_bytes())
        unreadable.chmod(0)
        good.chmod(0o644)
        done = camdigits("snapshot", unreadable, good, cwd=folder, **without_root_file_access())
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)
    assert done.returncode == 1
    [read] = done.stdout.splitlines()
    assert read.startswith(f"{good}: ") and "digits, numbers: " in read
    assert done.stderr.splitlines() == [
        f"camdigits: error: {unreadable}: cannot read the file (Permission denied) (check its permissions)",
        "2 images: 1 read, 1 failed (see above)",
    ]


# --- 10: workers --------------------------------------------------------------------------


def test_workers_are_capped_at_the_cpu_count(tmp_path):
    from camdigits.parallel import worker_count

    clip = write_clip(tmp_path / "clip.mp4", frames=10)
    done = camdigits("--model", MODEL, "video", clip, "--json", tmp_path / "x.jsonl", "--workers", "999")
    assert done.returncode == 0
    note, summary = done.stderr.splitlines()
    assert note == (
        f"camdigits: note: --workers 999 is more than the {worker_count()} CPU cores "
        f"this process may use; using {worker_count()}"
    )
    assert summary.startswith(f"{clip}: 10 frames read in ")
    assert len(whole_json_lines(tmp_path / "x.jsonl")) == 10


# --- 11: messages that name the thing, the cause and the fix --------------------------------


def corrupt_jpeg(path: Path) -> None:
    """A JPEG with junk before its end marker: libjpeg decodes it and warns on stderr."""
    data = encode(".jpg", page_image())
    path.write_bytes(data[:-2] + b"\x00" * 64 + data[-2:])


@pytest.mark.parametrize(
    "command, make, exit_code, message",
    [
        (["snapshot"], lambda p: p.write_bytes(np.random.default_rng(0).bytes(5000)), 1, "not a readable image"),
        (["snapshot"], None, 1, "/dev/zero: not a regular file (a device, pipe or socket), not an image"),
        (["video", "--json", "-"], None, 2, "/dev/zero: not a regular file (a device, pipe or socket), not a video"),
    ],
)
def test_messages_name_the_thing_and_the_cause(command, make, exit_code, message, tmp_path):
    path = Path("/dev/zero")
    if make is not None:
        path = tmp_path / "random.bmp"
        make(path)
    done = camdigits("--model", MODEL, command[0], path, *command[1:])
    assert done.returncode == exit_code
    one_error_line(done, message)


def test_a_one_pixel_video_cannot_be_encoded_and_says_so(tmp_path):
    clip = tmp_path / "dot.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (1, 1))
    for _ in range(3):
        writer.write(np.zeros((1, 1, 3), np.uint8))
    writer.release()
    if not cv2.VideoCapture(str(clip)).isOpened():
        pytest.skip("this OpenCV build writes no 1x1 video to test with")
    done = camdigits("--model", MODEL, "video", clip, "--output", tmp_path / "out.mp4")
    assert done.returncode == 1
    one_error_line(done, "cannot encode a video of 1x1 px frames", "needs frames of at least 2x2 px")


def test_codec_warnings_do_not_reach_stderr(tmp_path):
    path = tmp_path / "junk-before-end.jpg"
    corrupt_jpeg(path)
    done = camdigits("snapshot", path)
    assert done.returncode == 0 and done.stderr == ""


# --- 12: variable frame rate ----------------------------------------------------------------


def _boxes(data: bytes, start: int, end: int):
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        yield kind, position, size
        position += size


def with_frame_durations(data: bytes, durations: list[int]) -> bytes:
    """The same mp4 with each frame shown for its own number of time-scale ticks: a new
    'stts' table, the boxes holding it grown to fit. The index must come after the frames
    (as OpenCV writes it), so no chunk offset moves."""
    runs: list[list[int]] = []
    for duration in durations:
        if runs and runs[-1][1] == duration:
            runs[-1][0] += 1
        else:
            runs.append([1, duration])
    stts_body = struct.pack(">II", 0, len(runs)) + b"".join(struct.pack(">II", *run) for run in runs)

    def rebuild(start: int, end: int) -> bytes:
        out = b""
        for kind, position, size in _boxes(data, start, end):
            if kind == b"edts":
                continue  # its edit list would cut the track at the old duration
            if kind in {b"moov", b"trak", b"mdia", b"minf", b"stbl"}:
                body = rebuild(position + 8, position + size)
            elif kind == b"stts":
                body = stts_body
            else:
                out += data[position : position + size]
                continue
            out += struct.pack(">I4s", len(body) + 8, kind) + body
        return out

    top = list(_boxes(data, 0, len(data)))
    assert [kind for kind, _, _ in top][-1] == b"moov", "the index must come last"
    _, moov_at, _ = top[-1]
    return data[:moov_at] + rebuild(moov_at, len(data))


def test_json_time_follows_each_frame_timestamp_in_a_variable_frame_rate_file(tmp_path):
    clip = write_clip(tmp_path / "cfr.mp4", frames=20)
    data = clip.read_bytes()
    mdhd = data.index(b"mdhd")
    timescale = struct.unpack(">I", data[mdhd + 16 : mdhd + 20])[0]  # version 0: after flags and two dates
    durations = [timescale // 30] * 10 + [timescale // 10] * 10  # 30 fps, then 10 fps
    vfr = tmp_path / "vfr.mp4"
    vfr.write_bytes(with_frame_durations(data, durations))
    done = camdigits("--model", MODEL, "video", vfr, "--json", tmp_path / "x.jsonl", "--workers", "1")
    assert done.returncode == 0, done.stderr
    times = [record["time"] for record in whole_json_lines(tmp_path / "x.jsonl")]
    expected = [round(sum(durations[:index]) / timescale, 3) for index in range(20)]
    assert times == expected
