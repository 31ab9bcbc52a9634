"""The web API's one error type: a message, a hint and the HTTP status it is sent with."""

from __future__ import annotations

from typing import Any

from camdigits.errors import CamdigitsError


class WebError(CamdigitsError):
    """A request the API refuses, sent as JSON ``{"error", "hint", "status"}``."""

    def __init__(self, status: int, message: str, hint: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(message, hint)
        self.status = status
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message, "hint": self.hint, "status": self.status}
