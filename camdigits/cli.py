"""Command line: ``camdigits [--model PATH] [--min-confidence X] snapshot|video|webcam|serve ...``.

``--model`` and ``--min-confidence`` are accepted after the command too
(``camdigits snapshot x.png --min-confidence 0.8``); given there, they win.

The only module that knows click. Each command builds a source, a recognizer and sinks,
and hands them to :func:`camdigits.pipeline.run`. Library errors become one line on
stderr, ``camdigits: error: <what> (<how to fix it>)``, and their exit code: 1 for bad
input (the other inputs are still processed), 2 for a broken model, a video or camera
that cannot be opened, or no display. Ctrl-C, SIGTERM and SIGHUP stop any command
cleanly: the outputs are closed (videos finalized) and the exit code is 128 + the signal's
number (130 for Ctrl-C).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import click

from camdigits import __version__
from camdigits.config import Config
from camdigits.errors import CamdigitsError
from camdigits.io.annotate import Annotator
from camdigits.io.camera import open_camera, read_ahead
from camdigits.io.frames import SkippedInput
from camdigits.io.images import image_frames
from camdigits.io.sinks import (
    AnnotatedImageDir,
    ConsoleSummary,
    JsonLinesSink,
    Sink,
    VideoWriterSink,
)
from camdigits.io.video import open_video, video_frames
from camdigits.io.window import WebcamWindow, WindowSink
from camdigits.parallel import RecognizerPool, worker_count
from camdigits.pipeline import (
    ResultFilter,
    Stopped,
    Tracking,
    recognize_each,
    run,
    run_recognized,
    stop_signals_raise,
)
from camdigits.progress import LatencyMeter, ProgressBar
from camdigits.recognition.recognizer import Recognizer

PROG_NAME = "camdigits"
INTERRUPTED_EXIT_CODE = 130  # 128 + SIGINT, what shells report for a program stopped by Ctrl-C
SIGNAL_EXIT_BASE = 128  # shells report a program stopped by signal N as 128 + N


class UserError(click.ClickException):
    """A :class:`CamdigitsError` as click prints it: one line and the error's exit code."""

    def __init__(self, error: CamdigitsError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"{PROG_NAME}: error: {self.message}", err=True)


class Interrupted(click.ClickException):
    """Ctrl-C or another stop signal: one line instead of a traceback (or click's bare
    "Aborted!"), exit code 128 + the signal's number."""

    exit_code = INTERRUPTED_EXIT_CODE

    def __init__(self, message: str, signum: int = signal.SIGINT) -> None:
        super().__init__(message)
        self.exit_code = SIGNAL_EXIT_BASE + int(signum)
        self.signum = signum

    def show(self, file=None) -> None:
        # A new line after the "^C" the terminal echoed; other signals echo nothing.
        start = "\n" if self.signum == signal.SIGINT else ""
        click.echo(f"{start}{PROG_NAME}: {self.message}", err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors, Ctrl-C, SIGTERM and SIGHUP into click exceptions; let every
    other exception through.

    Enter it before the ExitStack that holds the sinks, so by the time the message is
    printed, every output is closed.
    """
    try:
        with stop_signals_raise():
            yield
    except CamdigitsError as error:
        raise UserError(error) from error
    except MemoryError:
        # Past the bounds the code keeps (a memory limit far below the machine's, say): one
        # line, not the traceback of whichever allocation failed.
        raise UserError(
            CamdigitsError(
                "out of memory",
                "the input needs more memory than this process may use; scale it down or raise the limit",
            )
        ) from None
    except Stopped as stop:
        name = signal.Signals(stop.signum).name
        raise Interrupted(
            f"stopped by {name}; the outputs written so far are closed and complete", stop.signum
        ) from None
    except KeyboardInterrupt:
        raise Interrupted("interrupted; the outputs written so far are closed and complete") from None


@dataclass(frozen=True)
class Settings:
    """The recognition options (the group's, overridden by the command's), handed to every command."""

    model: str | None
    config: Config

    def overridden(self, model: str | None, min_confidence: float | None) -> Settings:
        """These settings with the options given after the command, where given."""
        config = self.config if min_confidence is None else replace(self.config, min_confidence=min_confidence)
        return Settings(self.model if model is None else model, config)


MODEL_HELP = "A .tflite model to use instead of the shipped one."
MIN_CONFIDENCE_HELP = "Report only digits the model is at least this sure of."


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG_NAME)
@click.option("--model", type=click.Path(), default=None, help=MODEL_HELP)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=Config.min_confidence,
    show_default=True,
    help=MIN_CONFIDENCE_HELP,
)
@click.pass_context
def cli(ctx: click.Context, model: str | None, min_confidence: float) -> None:
    """Read handwritten digits in images, videos and webcam streams."""
    ctx.obj = Settings(model, replace(Config(), min_confidence=min_confidence))


def recognition_options(command: Callable) -> Callable:
    """The group's ``--model`` and ``--min-confidence``, accepted after the command too.

    Given there, they replace the group's values in ``ctx.obj`` before the command runs;
    not given (None), the group's values stand.
    """

    @functools.wraps(command)
    def with_overrides(*args, model: str | None, min_confidence: float | None, **kwargs):
        ctx = click.get_current_context()
        ctx.obj = ctx.obj.overridden(model, min_confidence)
        return command(*args, **kwargs)

    with_overrides = click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        default=None,
        help=f"{MIN_CONFIDENCE_HELP} [default: the value given before the command, else {Config.min_confidence:g}]",
    )(with_overrides)
    return click.option(
        "--model", type=click.Path(), default=None, help=f"{MODEL_HELP} Wins over one given before the command."
    )(with_overrides)


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=False, readable=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False),
    default=None,
    help="Write an annotated copy of each image into this folder.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write one JSON object per image to this file (JSON Lines); '-' is stdout.",
)
@click.option("--show", is_flag=True, help="Show each annotated image: any key for the next, q or Esc to stop.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that read and recognise images in parallel, at most one per CPU core "
    "[default: one per CPU core; 1: none].",
)
@recognition_options
@click.pass_context
def snapshot(
    ctx: click.Context,
    images: tuple[str, ...],
    output: str | None,
    json_path: str | None,
    show: bool,
    workers: int | None,
) -> None:
    """Read the digits in one or more images (png, jpg, bmp, tiff, webp).

    Prints one line per image, e.g. "photo.png: 3 digits, numbers: 407, 5". An image that
    cannot be read gets one error line and exit code 1; the others are still processed.
    Every output lists the images in the order given, however many workers read them.
    """
    settings: Settings = ctx.obj
    max_megapixels = settings.config.max_megapixels
    with user_errors(), ExitStack() as stack:
        recognizer = Recognizer(settings.model, settings.config)  # first: a bad model truncates no output
        # Before the outputs open, which forked workers would copy; one image is read here,
        # without a pool's start-up.
        pool = start_pool(stack, recognizer, settings.config, min(capped_workers(workers), len(images)))
        sinks, window_failed = open_sinks(stack, json_path, output, show, wait_ms=0)
        if pool is None:
            summary = run(recognizer, image_frames(images, max_megapixels), sinks, on_skip=report_skip)
        else:
            # Pixels come back from the workers only for the sinks that draw them.
            recognized = pool.read_each(images, max_megapixels, keep_images=output is not None or show)
            summary = run_recognized(recognized, sinks, on_skip=report_skip)
    if summary.failures and len(images) > 1:
        click.echo(f"{len(images)} images: {summary.frames} read, {len(summary.failures)} failed (see above)", err=True)
    ctx.exit(max(summary.exit_code, int(window_failed)))


def open_sinks(
    stack: ExitStack, json_path: str | None, output: str | None, show: bool, wait_ms: int
) -> tuple[list[Sink], bool]:
    """The sinks the output options ask for, each closed by ``stack``, and whether a
    window was asked for but could not be opened.

    The readable lines go to stdout, or to stderr when ``--json -`` needs stdout for pure
    JSON. Without a display, ``--show`` is dropped with one error line, the other outputs
    are still written, and the command ends with exit code 1.
    """
    console = sys.stderr if json_path == "-" else sys.stdout
    sinks: list[Sink] = [stack.enter_context(ConsoleSummary(console))]
    if json_path is not None:
        sinks.append(stack.enter_context(JsonLinesSink(json_path)))
    if output is not None:
        sinks.append(stack.enter_context(AnnotatedImageDir(output, Annotator())))
    window_failed = show and not add_window(stack, sinks, wait_ms)
    return sinks, window_failed


def add_window(stack: ExitStack, sinks: list[Sink], wait_ms: int) -> bool:
    """Append the ``--show`` window to ``sinks``, closed by ``stack``. Where none can be
    opened, print one error line and return False: the command still writes its other
    outputs, and ends with exit code 1."""
    try:
        sinks.append(stack.enter_context(WindowSink(Annotator(), wait_ms=wait_ms)))
    except CamdigitsError as error:
        click.echo(f"{PROG_NAME}: error: {error.message} (drop --show; the other outputs are still written)", err=True)
        return False
    return True


def track_option(command):
    return click.option(
        "--no-track", is_flag=True, help="Report each frame's own reading instead of labels smoothed over time."
    )(command)


def make_tracker(no_track: bool, config: Config) -> ResultFilter | None:
    """A fresh :class:`camdigits.pipeline.Tracking` that groups numbers with ``config``, or
    None for ``--no-track``."""
    return None if no_track else Tracking(config)


@cli.command()
@click.argument("video_path", metavar="FILE", type=click.Path())
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write an annotated copy (mp4v, the input's size and frame rate) to this file.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write one JSON object per processed frame to this file (JSON Lines); '-' is stdout.",
)
@click.option("--show", is_flag=True, help="Show the annotated video while it is read; q or Esc stops.")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Read only every N-th frame (the annotated copy repeats it over the frames between).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that recognise frames in parallel, at most one per CPU core [default: one per CPU core; 1: none].",
)
@track_option
@recognition_options
@click.pass_context
def video(
    ctx: click.Context,
    video_path: str,
    output: str | None,
    json_path: str | None,
    show: bool,
    every: int,
    workers: int | None,
    no_track: bool,
) -> None:
    """Read the digits in every frame of a video file.

    JSON records carry "frame" (0-based index in the file) and "time" (seconds). A
    progress bar appears on stderr when it is a terminal; at the end, one line on stderr
    gives the frames read, their rate and the files written. A file that stops decoding
    early keeps every frame before the damage, and ends with an error line saying where.
    """
    if output is None and json_path is None and not show:
        raise click.UsageError("nothing to write: give --output, --json or --show")
    if output is not None and Path(output).resolve() == Path(video_path).resolve():
        raise click.BadParameter("the annotated copy would replace its input", param_hint="--output")
    settings: Settings = ctx.obj
    with user_errors(), ExitStack() as stack:
        recognizer = Recognizer(settings.model, settings.config)  # first: a bad model truncates no output
        capture, info = open_video(video_path)
        stack.callback(capture.release)  # also if a sink below fails to open
        # Started before the decoder thread and the output files, which forked workers
        # would copy; the frame size sets up the shared memory frames travel through.
        pool = start_pool(stack, recognizer, settings.config, capped_workers(workers), (info.height, info.width, 3))
        sinks: list[Sink] = []
        if json_path is not None:
            sinks.append(stack.enter_context(JsonLinesSink(json_path)))
        if output is not None:
            sinks.append(stack.enter_context(VideoWriterSink(output, info.fps, info.size, Annotator())))
        window_failed = show and not add_window(stack, sinks, wait_ms=1)
        if sys.stderr.isatty():
            sinks.append(stack.enter_context(ProgressBar(info.frame_count, every)))
        frames = read_ahead(video_frames(capture, info, every))
        stack.callback(frames.close)
        started = time.perf_counter()
        recognized = pool.recognize_each(frames) if pool is not None else recognize_each(recognizer, frames)
        summary = run_recognized(
            recognized, sinks, on_skip=report_skip, tracker=make_tracker(no_track, settings.config)
        )
    # After the ExitStack: the seconds include finalizing the outputs, and the files named are whole.
    click.echo(video_summary(video_path, summary.frames, time.perf_counter() - started, [output, json_path]), err=True)
    ctx.exit(max(summary.exit_code, int(window_failed)))


def video_summary(name: str, frames: int, seconds: float, outputs: list[str | None]) -> str:
    """``clip.mp4: 120 frames read in 1.40 s (85.7 fps); wrote out.mp4, out.jsonl``: the
    closing line of video mode, on stderr whether or not it is a terminal."""
    written = [("JSON Lines to stdout" if path == "-" else path) for path in outputs if path is not None]
    fps = frames / seconds if seconds > 0 else 0.0
    wrote = f"wrote {', '.join(written)}" if written else "no files written"
    return f"{name}: {frames} frames read in {seconds:.2f} s ({fps:.1f} fps); {wrote}"


def capped_workers(requested: int | None) -> int:
    """``--workers``, at most one per CPU core (more only take turns on the cores and fork
    a process each), with a note when it was lowered; one per core when not given."""
    cores = worker_count()
    if requested is None:
        return cores
    if requested > cores:
        click.echo(
            f"{PROG_NAME}: note: --workers {requested} is more than the {cores} CPU cores "
            f"this process may use; using {cores}",
            err=True,
        )
        return cores
    return requested


def start_pool(
    stack: ExitStack,
    recognizer: Recognizer,
    config: Config,
    workers: int,
    frame_shape: tuple[int, int, int] | None = None,
) -> RecognizerPool | None:
    """Worker processes for video mode (frames of ``frame_shape``) or snapshot mode, closed
    with ``stack``; None (recognise in this process) for one worker, or where processes
    cannot be started: multiprocessing needs POSIX semaphores, which some containers and
    sandboxes lack."""
    if workers < 2:
        return None
    try:
        return stack.enter_context(RecognizerPool(recognizer.classifier.path, config, workers, frame_shape))
    except OSError:
        return None


@cli.command()
@click.option(
    "--camera",
    default="0",
    show_default=True,
    help="A camera index (0, 1, ...), a video file (replayed at its frame rate, as if it were a camera) "
    "or a stream URL (rtsp://, http://).",
)
@click.option("--width", type=click.IntRange(min=1), default=None, help="Ask the camera for this frame width (px).")
@click.option("--height", type=click.IntRange(min=1), default=None, help="Ask the camera for this frame height (px).")
@click.option(
    "--record", type=click.Path(dir_okay=False), default=None, help="Record the annotated video (mp4v) to this file."
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Write one JSON object per processed frame to this file (JSON Lines); '-' is stdout.",
)
@click.option("--no-display", is_flag=True, help="Run without a window (needs --record or --json); Ctrl-C stops.")
@click.option(
    "--snapshots",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    help="Folder for the snapshots the s key saves (PNG + JSON).",
)
@track_option
@recognition_options
@click.pass_context
def webcam(
    ctx: click.Context,
    camera: str,
    width: int | None,
    height: int | None,
    record: str | None,
    json_path: str | None,
    no_display: bool,
    snapshots: str,
    no_track: bool,
) -> None:
    """Read digits live from a camera, a video file or a stream.

    \b
    Keys in the window:
      q or Esc   quit
      space      pause / resume
      s          save a snapshot: annotated PNG + JSON (into --snapshots)
      m          show the threshold mask instead of the video
      + / -      detect more / less faint ink

    The FPS shown counts frames actually processed. At the end, one line on stderr
    gives the frames processed, their rate, and the latency from capture to result.
    """
    if no_display and record is None and json_path is None:
        raise click.UsageError("nothing to write: with --no-display, give --record or --json")
    settings: Settings = ctx.obj
    with user_errors(), ExitStack() as stack:
        recognizer = Recognizer(settings.model, settings.config)
        sinks: list[Sink] = []
        if not no_display:  # before the camera: no display is the quicker failure
            sinks.append(stack.enter_context(WebcamWindow(recognizer.config.threshold_offset, snapshots, Annotator())))
        stream = stack.enter_context(open_camera(camera, width, height))
        if (width or stream.size[0], height or stream.size[1]) != stream.size:
            click.echo(
                f"{PROG_NAME}: note: {stream.name} delivers {stream.size[0]}x{stream.size[1]} px frames, "
                f"not the {width or stream.size[0]}x{height or stream.size[1]} asked for",
                err=True,
            )
        if json_path is not None:
            sinks.insert(0, stack.enter_context(JsonLinesSink(json_path)))
        if record is not None:
            # In the loop's thread, so the latency below includes annotating and encoding;
            # the loop waits for the camera anyway.
            recorder = VideoWriterSink(record, stream.fps, stream.size, Annotator(), background=False)
            sinks.insert(0, stack.enter_context(recorder))
        latency = LatencyMeter(stream.started_at)
        summary = run(
            recognizer,
            stream.frames(),
            [*sinks, latency],
            on_skip=report_skip,
            tracker=make_tracker(no_track, settings.config),
        )
    click.echo(latency.summary(stream.name), err=True)
    ctx.exit(summary.exit_code)


WEB_EXTRA_HINT = 'install the web extra: pip install "camdigits[web]"'
MEGABYTE = 1 << 20


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but a loopback address opens the page to the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Images read at once, one recognizer each [default: one per CPU core].",
)
@click.option(
    "--max-upload-mb",
    type=click.FloatRange(min=0.001),
    default=20.0,
    show_default=True,
    help="Largest upload or camera frame accepted, in MB.",
)
@recognition_options
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, open_browser: bool, workers: int | None, max_upload_mb: float
) -> None:
    """Serve a web page to draw digits, upload photos and use the browser's camera.

    Also serves the API the page uses: POST /api/recognize (an image in, the --json
    object out), GET /api/health, the camera stream at /ws/stream, and its docs at /docs.
    """
    try:
        from camdigits.web.app import WebSettings
        from camdigits.web.server import serve as serve_web
    except ImportError as error:
        raise click.ClickException(
            f"the web page needs packages that are not installed ({error}); {WEB_EXTRA_HINT}"
        ) from None
    settings: Settings = ctx.obj
    web = WebSettings(
        settings.model, settings.config, workers or worker_count(), max_upload_bytes=int(max_upload_mb * MEGABYTE)
    )
    try:
        with user_errors():
            serve_web(web, host, port, open_browser, say=lambda line: click.echo(f"{PROG_NAME}: {line}", err=True))
    except Interrupted:
        click.echo(f"\n{PROG_NAME}: stopped", err=True)
        ctx.exit(INTERRUPTED_EXIT_CODE)


def report_skip(skipped: SkippedInput) -> None:
    click.echo(f"{PROG_NAME}: error: {skipped.error}", err=True)


def main() -> None:
    """Console entry point (``camdigits``) and ``python -m camdigits``."""
    try:
        cli(prog_name=PROG_NAME)
    finally:
        _release_failed_stdout()


def _release_failed_stdout() -> None:
    """If standard output cannot take what is still buffered (/dev/full, a closed pipe),
    point it at /dev/null: the failure was reported in one line already, and Python's own
    flush at exit would add an "Exception ignored" message."""
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
