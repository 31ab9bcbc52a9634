"""The app factory: one FastAPI app with the page, the API, the docs and their headers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from camdigits import __version__
from camdigits.config import Config
from camdigits.web.errors import WebError
from camdigits.web.pool import WorkerPool
from camdigits.web.routes import router

STATIC_DIR = Path(__file__).parent / "static"
DOCS_ASSETS = "/docs-assets"
MEGABYTE = 1 << 20
# Requests that may wait for a worker beyond those running: 8 covers a page uploading a
# batch of photos while a camera streams, and bounds what waits to 8 uploads in memory.
QUEUE_LENGTH = 8
# A camera stream that sends nothing for this long is closed: a tab left in the
# background stops sending frames, and its connection should not hold a tracker forever.
WS_IDLE_TIMEOUT_S = 30.0

# No remote script, style, image or connection; no inline script on the page; no framing.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI starts from one inline script that FastAPI writes; its files are still served from here.
DOCS_CSP = PAGE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)

log = logging.getLogger("camdigits.web")


@dataclass(frozen=True)
class WebSettings:
    """What ``camdigits serve`` was asked for."""

    model: str | None = None
    config: Config = field(default_factory=Config)
    workers: int = 2
    queue_length: int = QUEUE_LENGTH
    max_upload_bytes: int = 20 * MEGABYTE
    ws_idle_timeout_s: float = WS_IDLE_TIMEOUT_S


@dataclass(frozen=True)
class WebState:
    """What the routes share: the settings and the pool (``app.state.web``)."""

    settings: WebSettings
    pool: WorkerPool


class SecurityHeaders:
    """Adds the Content-Security-Policy and its companions to every HTTP response.

    A plain ASGI middleware rather than ``@app.middleware("http")``, which would run each
    request through an extra task and stream.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] == "/docs" else PAGE_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app, its recognizers built (a bad model fails here, before serving)."""
    from swagger_ui_bundle import swagger_ui_path

    settings = settings or WebSettings()
    pool = WorkerPool(settings.model, settings.config, settings.workers, settings.queue_length)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="camdigits",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Reads handwritten digits in images and camera frames.",
    )
    app.openapi_version = "3.0.3"  # the Swagger UI that ships as a Python package (4.x) renders 3.0, not 3.1
    app.state.web = WebState(settings, pool)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.add_middleware(SecurityHeaders)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="camdigits API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    add_error_handlers(app)
    return app


def add_error_handlers(app: FastAPI) -> None:
    """Every error as JSON ``{"error", "hint", "status"}``; a bug is logged here and answered
    with a 500 that carries no traceback."""

    @app.exception_handler(WebError)
    async def web_error(request: Request, error: WebError) -> JSONResponse:
        return JSONResponse(error.to_dict(), error.status, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return JSONResponse(WebError(422, f"bad request ({problems})", "see /docs").to_dict(), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        hint = "see /docs for the API" if error.status_code in (404, 405) else ""
        return JSONResponse(
            WebError(error.status_code, str(error.detail), hint).to_dict(), error.status_code, headers=error.headers
        )

    @app.exception_handler(Exception)
    async def bug(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse(
            WebError(
                500,
                "internal error while reading the image",
                "this is a bug in camdigits; the server log has the details",
            ).to_dict(),
            500,
        )
