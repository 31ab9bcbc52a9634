"""The API: POST /api/recognize, GET /api/health and the camera stream at /ws/stream."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query, Request, WebSocket
from fastapi.responses import JSONResponse, Response
from starlette.websockets import WebSocketDisconnect

from camdigits import __version__
from camdigits.pipeline import Tracking
from camdigits.web.errors import WebError
from camdigits.web.reading import annotated_png, result_json, stream_frame_json
from camdigits.web.uploads import FORMATS, file_from_multipart

if TYPE_CHECKING:
    from camdigits.web.app import WebState

router = APIRouter()

RAW_SOURCE = "upload"  # the JSON's "source" for raw bytes, which come without a name
STREAM_SOURCE = "camera"
MAX_SOURCE_CHARS = 200  # of an uploaded file's name, which is echoed back as "source"
# An upload must arrive within this: a client trickling its body would otherwise hold one of
# the pool's few slots for as long as it likes.
UPLOAD_TIMEOUT_S = 30.0
# WebSocket close codes: 1009 is the standard "message too big"; 4408 is in the range
# left to applications, after HTTP's 408 Request Timeout.
CLOSE_TOO_BIG = 1009
CLOSE_IDLE = 4408

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": f"One {FORMATS} image: a multipart form with one file, or the raw bytes.",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
ERRORS = {
    status: {"description": text, "content": {"application/json": {}}}
    for status, text in (
        (413, "upload or image too large"),
        (415, "not a supported image format"),
        (422, "not a readable image"),
        (503, "busy; retry after the Retry-After header's seconds"),
    )
}


def state(request: Request | WebSocket) -> WebState:
    return request.app.state.web


async def read_body(request: Request, limit: int) -> bytes:
    """The request's body, read into memory and never past ``limit`` bytes."""
    too_big = WebError(
        413,
        f"upload larger than {limit / (1 << 20):g} MB",
        "send a smaller image, or start the server with a larger --max-upload-mb",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:  # a body sent without its length, or longer than it said
            raise too_big
    return bytes(body)


async def read_upload(request: Request, limit: int, timeout_s: float = UPLOAD_TIMEOUT_S) -> tuple[str, bytes]:
    """(source, image bytes) of a request: a form's one file, or the raw body."""
    try:
        body = await asyncio.wait_for(read_body(request, limit), timeout_s)
    except asyncio.TimeoutError:  # asyncio's own class: not the builtin TimeoutError before Python 3.11
        raise WebError(
            408, f"upload not received within {timeout_s:g} s", "check the connection, or send a smaller image"
        ) from None
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        name, data = file_from_multipart(body, content_type)
        return PurePath(name.replace("\\", "/")).name[:MAX_SOURCE_CHARS] or RAW_SOURCE, data
    return RAW_SOURCE, body


@router.post(
    "/api/recognize",
    openapi_extra=UPLOAD_BODY,
    responses={
        200: {
            "description": "The JSON Lines object of `camdigits snapshot --json`, or the annotated PNG",
            "content": {"image/png": {}},
        },
        **ERRORS,
    },
)
async def recognize(
    request: Request,
    annotated: bool = Query(False, description="Answer with the annotated image (PNG) instead of JSON."),
    probabilities: bool = Query(False, description="Add each digit's ten probabilities to the JSON."),
) -> Response:
    """Read the digits and numbers in one image."""
    web = state(request)
    settings = web.settings
    async with web.pool.slot():  # before reading the body: waiting requests hold their bytes
        source, data = await read_upload(request, settings.max_upload_bytes)
        megapixels = settings.config.max_megapixels
        if annotated:
            png = await web.pool.run(partial(annotated_png, data=data, source=source, max_megapixels=megapixels))
            return Response(png, media_type="image/png")
        answer = await web.pool.run(
            partial(result_json, data=data, source=source, max_megapixels=megapixels, probabilities=probabilities)
        )
    return JSONResponse(answer)


@router.get("/api/health")
async def health(request: Request) -> dict[str, Any]:
    """Whether the server is up, and how busy."""
    web = state(request)
    return {
        "status": "ok",
        "version": __version__,
        "workers": web.pool.workers,
        "busy": web.pool.busy,
        "slots": web.pool.slots,
        "max_upload_bytes": web.settings.max_upload_bytes,
        "max_megapixels": web.settings.config.max_megapixels,
    }


@router.websocket("/ws/stream")
async def stream(websocket: WebSocket) -> None:
    """Camera frames in (binary JPEG or PNG messages), one JSON result out per frame.

    Frames are read one at a time, in order: the page sends its next frame once the
    previous answer is back, so none queue up. Each answer is the JSON Lines object, its
    labels smoothed by this connection's own tracker as in webcam mode, plus
    ``server_ms``, or ``{"error", "hint", "status"}`` for a frame that could not be read.
    """
    web = state(websocket)
    settings = web.settings
    await websocket.accept()
    tracker = Tracking(settings.config)
    started = time.monotonic()
    index = 0
    try:
        while True:
            try:
                message = await asyncio.wait_for(websocket.receive(), settings.ws_idle_timeout_s)
            except asyncio.TimeoutError:  # asyncio's own class: not the builtin TimeoutError before Python 3.11
                await websocket.close(CLOSE_IDLE, f"no frame for {settings.ws_idle_timeout_s:g} s")
                return
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("bytes")
            if data is not None and len(data) > settings.max_upload_bytes:
                await websocket.close(CLOSE_TOO_BIG, f"frame larger than {settings.max_upload_bytes} bytes")
                return
            received = time.monotonic()
            try:
                if data is None:
                    raise WebError(415, "text message on the camera stream", "send each frame as a binary message")
                async with web.pool.slot():
                    answer = await web.pool.run(
                        partial(
                            stream_frame_json,
                            tracker=tracker,
                            data=data,
                            source=STREAM_SOURCE,
                            index=index,
                            time=received - started,
                            max_megapixels=settings.config.max_megapixels,
                        )
                    )
                index += 1
            except WebError as error:
                answer = error.to_dict()
            answer["server_ms"] = round((time.monotonic() - received) * 1000, 1)
            await websocket.send_json(answer)
    except WebSocketDisconnect:
        return
