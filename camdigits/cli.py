"""Command line: ``camdigits [--model PATH] [--min-confidence X] snapshot IMAGE...``.

The only module that knows click. Each command builds a source, a recognizer and sinks,
and hands them to :func:`camdigits.pipeline.run`. Library errors become one line on
stderr, ``camdigits: error: <what> (<how to fix it>)``, and their exit code: 1 for bad
input (the other inputs are still processed), 2 for a broken model.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace

import click

from camdigits import __version__
from camdigits.annotate import Annotator
from camdigits.config import Config
from camdigits.errors import CamdigitsError
from camdigits.pipeline import run
from camdigits.recognizer import Recognizer
from camdigits.sinks import AnnotatedImageDir, ConsoleSummary, JsonLinesSink, Sink, WindowSink
from camdigits.sources import SkippedInput, image_frames

PROG_NAME = "camdigits"


class UserError(click.ClickException):
    """A :class:`CamdigitsError` as click prints it: one line and the error's exit code."""

    def __init__(self, error: CamdigitsError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:
        click.echo(f"{PROG_NAME}: error: {self.message}", err=True)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into click exceptions; let every other exception through."""
    try:
        yield
    except CamdigitsError as error:
        raise UserError(error) from error


@dataclass(frozen=True)
class Settings:
    """The group's options, handed to every command."""

    model: str | None
    config: Config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG_NAME)
@click.option("--model", type=click.Path(), default=None,
              help="A .tflite model to use instead of the shipped one.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=Config.min_confidence, show_default=True,
              help="Report only digits the model is at least this sure of.")
@click.pass_context
def cli(ctx: click.Context, model: str | None, min_confidence: float) -> None:
    """Read handwritten digits in images, videos and webcam streams."""
    ctx.obj = Settings(model, replace(Config(), min_confidence=min_confidence))


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=False))
@click.option("--output", "-o", type=click.Path(file_okay=False), default=None,
              help="Write an annotated copy of each image into this folder.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write one JSON object per image to this file (JSON Lines); '-' is stdout.")
@click.option("--show", is_flag=True, help="Show each annotated image: any key for the next, q or Esc to stop.")
@click.pass_context
def snapshot(
    ctx: click.Context, images: tuple[str, ...], output: str | None, json_path: str | None, show: bool
) -> None:
    """Read the digits in one or more images (png, jpg, bmp, tiff, webp).

    Prints one line per image, e.g. "photo.png: 3 digits, numbers: 407, 5". An image that
    cannot be read gets one error line and exit code 1; the others are still processed.
    """
    settings: Settings = ctx.obj
    with user_errors(), ExitStack() as stack:
        recognizer = Recognizer(settings.model, settings.config)  # first: a bad model truncates no output
        sinks, window_failed = open_sinks(stack, json_path, output, show, wait_ms=0)
        summary = run(recognizer, image_frames(images, settings.config.max_megapixels), sinks, on_skip=report_skip)
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
    window_failed = False
    if show:
        try:
            sinks.append(stack.enter_context(WindowSink(Annotator(), wait_ms=wait_ms)))
        except CamdigitsError as error:
            window_failed = True
            click.echo(f"{PROG_NAME}: error: {error.message} (drop --show; the other outputs are still written)", err=True)
    return sinks, window_failed


def report_skip(skipped: SkippedInput) -> None:
    click.echo(f"{PROG_NAME}: error: {skipped.error}", err=True)


def main() -> None:
    """Console entry point (``camdigits``) and ``python -m camdigits``."""
    cli(prog_name=PROG_NAME)
