"""Exceptions the library raises for problems a user can fix.

Each carries a message that names the thing that went wrong and a hint that says what to
do; the CLI prints both on one line and exits non-zero. Programming errors stay ordinary
exceptions so they are never mistaken for bad input.
"""

from __future__ import annotations


class CamdigitsError(Exception):
    """A problem with the user's input or environment, with a hint for fixing it."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ModelError(CamdigitsError):
    """The model file is missing, unreadable or not a camdigits model."""

    exit_code = 2


class ImageError(CamdigitsError):
    """An image file cannot be read or is unusable (empty, too large, not an image)."""


class ImageTooLargeError(ImageError):
    """An image has more pixels than the megapixel limit allows."""


class SourceError(CamdigitsError):
    """A video file, camera or stream cannot be opened or stopped delivering frames."""

    exit_code = 2


class DisplayError(CamdigitsError):
    """The webcam window cannot be opened; ``--no-display`` runs without it."""

    exit_code = 2


class OutputError(CamdigitsError):
    """An output cannot be written at all (a full disk, a closed standard output): the run
    stops, since every later write would fail the same way, and the outputs are closed."""
