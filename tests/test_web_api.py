"""The web API through Starlette's test client: answers, every bad input, bounds and headers."""

from __future__ import annotations

import asyncio
import builtins
import json
import os
import struct
import urllib.request
import zlib
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from bench.web_server import running_server
from camdigits.cli import cli
from camdigits.config import Config
from camdigits.web.app import WebSettings, create_app
from camdigits.web.errors import WebError
from camdigits.web.pool import WorkerPool
from camdigits.web.routes import CLOSE_IDLE, CLOSE_TOO_BIG, read_upload
from camdigits.web.server import is_loopback
from camdigits.web.uploads import sniff_format
from tests.pages import blank_page, european_page, mnist_test, write_digit

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "sample_images" / "page.jpg"
SMALL_LIMIT = 100_000  # bytes: the upload limit of the `small` client


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(WebSettings(workers=1))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def small():
    """A client of a server with a 100 kB upload limit, a 0.5 MP limit and a short idle timeout."""
    settings = WebSettings(
        config=replace(Config(), max_megapixels=0.5), workers=1, max_upload_bytes=SMALL_LIMIT, ws_idle_timeout_s=0.3
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def png(image: np.ndarray) -> bytes:
    return cv2.imencode(".png", image)[1].tobytes()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def forged_png(width: int, height: int) -> bytes:
    """A well-formed PNG that claims ``width`` x ``height`` and holds almost nothing."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"")) + _chunk(b"IEND", b"")


def one_digit_png() -> tuple[bytes, int]:
    """A page with one MNIST test digit on it, and its label."""
    page = blank_page(320, 240)
    write_digit(page, 0, 120, 60, 100)
    return png(page), int(mnist_test()[1][0])


def error_of(response) -> dict:
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "hint", "status"} and body["status"] == response.status_code
    assert "Traceback" not in response.text
    return body


# --- answers ------------------------------------------------------------------------------


def test_multipart_answer_is_the_json_lines_object_of_the_cli(client, tmp_path):
    response = client.post("/api/recognize", files={"file": ("page.jpg", PAGE.read_bytes(), "image/jpeg")})
    assert response.status_code == 200
    out = tmp_path / "page.jsonl"
    CliRunner().invoke(cli, ["snapshot", str(PAGE), "--json", str(out)], catch_exceptions=False)
    expected = json.loads(out.read_text())
    assert response.json() == {**expected, "source": "page.jpg"}
    truth = json.loads((REPO / "sample_images" / "page.truth.json").read_text())
    assert sorted(n["text"] for n in response.json()["numbers"]) == sorted(n["text"] for n in truth["numbers"])


def test_raw_bytes_are_read_like_a_form(client):
    form = client.post("/api/recognize", files={"file": ("page.jpg", PAGE.read_bytes())}).json()
    raw = client.post("/api/recognize", content=PAGE.read_bytes(), headers={"content-type": "image/jpeg"}).json()
    assert raw == {**form, "source": "upload"}


def test_annotated_answer_is_a_png_of_the_image(client):
    response = client.post("/api/recognize?annotated=1", content=PAGE.read_bytes())
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    annotated = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_COLOR)
    assert annotated.shape == cv2.imread(str(PAGE)).shape


def test_probabilities_of_a_single_digit(client):
    data, label = one_digit_png()
    digits = client.post("/api/recognize?probabilities=1", content=data).json()["digits"]
    assert [d["label"] for d in digits] == [label]
    probabilities = digits[0]["probabilities"]
    assert len(probabilities) == 10 and int(np.argmax(probabilities)) == label
    assert probabilities[label] == pytest.approx(digits[0]["confidence"], abs=0.002)


def test_probabilities_of_a_small_digit_match_the_reading_from_its_grey_levels(client):
    """MNIST test digit 2 written 16 px tall reads 0.55 from its mask and 0.77 with its grey
    levels (Recognizer.probabilities): the chart shows what the label was read from."""
    page = blank_page(320, 240)
    write_digit(page, 2, 120, 60, 16)
    label = int(mnist_test()[1][2])
    digits = client.post("/api/recognize?probabilities=1", content=png(page)).json()["digits"]
    assert [d["label"] for d in digits] == [label]
    probabilities = digits[0]["probabilities"]
    assert int(np.argmax(probabilities)) == label
    assert probabilities[label] == pytest.approx(digits[0]["confidence"], abs=0.002)


def test_probabilities_of_flagged_ones_beside_crossed_sevens_peak_at_their_labels(client):
    """The chart shows the page's reading: on a page of crossed sevens a flagged one reads as
    the one it is labelled (camdigits.recognition.styles), though the network alone says 7."""
    page, truth = european_page(crossed=True)
    digits = client.post("/api/recognize?probabilities=1", content=png(page)).json()["digits"]
    assert sorted(d["label"] for d in digits) == sorted(label for label, _ in truth)
    for digit in digits:
        assert int(np.argmax(digit["probabilities"])) == digit["label"]


def test_file_name_is_not_trusted_for_the_format(client):
    """A JPEG named .png is read as the JPEG it is; a path in the name is cut to its last part."""
    response = client.post("/api/recognize", files={"file": ("../../etc/photo.png", PAGE.read_bytes(), "image/png")})
    assert response.status_code == 200 and response.json()["source"] == "photo.png"


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["workers"] == 1 and body["busy"] == 0


# --- bad input ------------------------------------------------------------------------------

BAD_UPLOADS = [
    # (name, bytes, status, words in the error)
    ("empty", b"", 422, "empty upload"),
    ("text", b"hello, this is not an image", 415, "not a png, jpg"),
    ("gif", b"GIF89a\x00\x80\xff\x7f" + bytes(30), 415, "not a png, jpg"),
    ("pdf", b"%PDF-1.7\n" + bytes(100), 415, "not a png, jpg"),
    ("jpeg cut before its size", PAGE.read_bytes()[:120], 422, "no image size"),
    ("truncated jpeg", PAGE.read_bytes()[:5000], 422, "not a readable image"),
    ("truncated png", png(np.full((50, 60, 3), 200, np.uint8))[:60], 422, "not a readable image"),
    ("forged png size", forged_png(100_000, 100_000), 413, "too large (its header claims 10000 MP"),
    ("forged png size under Pillow's bomb limit", forged_png(10_000, 9_000), 413, "too large (10000x9000"),
    ("zero-size png", forged_png(0, 10), 422, "upload: "),
]


@pytest.mark.parametrize(("name", "data", "status", "words"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_upload(client, name, data, status, words):
    body = error_of(client.post("/api/recognize", content=data))
    assert body["status"] == status and words in body["error"], body
    assert body["hint"]


def test_over_the_megapixel_limit_is_refused_from_the_header(small):
    data = png(np.full((1000, 1000), 255, np.uint8))  # 1 MP, compresses to a few kB
    body = error_of(small.post("/api/recognize", content=data))
    assert body["status"] == 413 and "the limit is 0.5 MP" in body["error"]


def test_body_over_the_limit_with_its_length(small):
    body = error_of(small.post("/api/recognize", content=b"\xff\xd8\xff" + bytes(SMALL_LIMIT)))
    assert body["status"] == 413 and "--max-upload-mb" in body["hint"]


def test_body_over_the_limit_without_its_length(small):
    """A chunked body is counted as it arrives."""
    chunks = (bytes(10_000) for _ in range(20))
    body = error_of(small.post("/api/recognize", content=chunks))
    assert body["status"] == 413


def test_an_upload_that_trickles_is_cut_off():
    """A client sending its body a byte a second cannot hold a worker's slot for long."""
    from starlette.requests import Request

    async def trickle():
        await asyncio.sleep(1)
        return {"type": "http.request", "body": b"x", "more_body": True}

    request = Request(
        {"type": "http", "method": "POST", "path": "/api/recognize", "headers": [], "query_string": b""}, trickle
    )
    with pytest.raises(WebError) as refused:
        asyncio.run(read_upload(request, limit=1000, timeout_s=0.2))
    assert refused.value.status == 408 and "within 0.2 s" in refused.value.message


def test_form_without_a_file(client):
    body = b'--x\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--x--\r\n'
    response = client.post("/api/recognize", content=body, headers={"content-type": "multipart/form-data; boundary=x"})
    assert "expected one file in the form, got 0" in error_of(response)["error"]


def test_form_with_two_files(client):
    files = {"a": ("a.jpg", PAGE.read_bytes()), "b": ("b.jpg", PAGE.read_bytes())}
    body = error_of(client.post("/api/recognize", files=files))
    assert body["status"] == 422 and "got 2" in body["error"]


def test_malformed_multipart(client):
    response = client.post(
        "/api/recognize", content=b"--x\r\nnonsense", headers={"content-type": "multipart/form-data; boundary=x"}
    )
    assert error_of(response)["status"] == 422


def test_multipart_without_boundary(client):
    response = client.post("/api/recognize", content=b"abc", headers={"content-type": "multipart/form-data"})
    assert "boundary" in error_of(response)["error"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/recognize", 405),
        ("get", "/no/such/page", 404),
        ("post", "/api/recognize?annotated=maybe", 422),
        ("get", "/static/%2e%2e/app.py", 404),
        ("get", "/static/..%2f..%2fcli.py", 404),
        ("get", "/static/%2e%2e%2f%2e%2e%2fsetup.cfg", 404),
    ],
)
def test_errors_are_json(client, method, path, status):
    response = getattr(client, method)(path)
    assert error_of(response)["status"] == status


def test_a_bug_is_a_json_500_without_traceback(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("camdigits.recognition.recognizer.Recognizer.recognize", broken)
    with TestClient(create_app(WebSettings(workers=1)), raise_server_exceptions=False) as test_client:
        response = test_client.post("/api/recognize", content=PAGE.read_bytes())
    body = error_of(response)
    assert body["status"] == 500 and "secret" not in response.text


def test_nothing_uploaded_is_written_to_disk(client, monkeypatch):
    """A 3 MB form (Starlette would spool anything over 1 MB to a temporary file) is read with
    every way to create a file failing."""
    big = cv2.imencode(".png", np.random.default_rng(0).integers(0, 255, (1000, 1000, 3), np.uint8))[1].tobytes()
    assert len(big) > 2_000_000
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        assert not set(mode) & set("wax+"), f"opened {file} for writing"
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        # /dev/null is where codec chatter is sent while decoding (camdigits.quiet).
        writing = flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR)
        assert not writing or path == os.devnull, f"opened {path} for writing"
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    response = client.post("/api/recognize", files={"file": ("noise.png", big, "image/png")})
    assert response.status_code == 200


def test_busy_pool_answers_503_with_retry_after():
    async def take_slots():
        pool = WorkerPool(None, Config(), workers=1, queue_length=1)
        try:
            async with pool.slot(), pool.slot():
                assert pool.busy == 2
                with pytest.raises(WebError) as refused:
                    async with pool.slot():
                        pass
            assert pool.busy == 0
            return refused.value
        finally:
            pool.close()

    error = asyncio.run(take_slots())
    assert error.status == 503 and int(error.headers["Retry-After"]) >= 1


def test_full_queue_refuses_requests_over_http():
    """One worker, no queue, three uploads at once: at least one is refused, none fails otherwise."""
    import httpx2

    async def three_at_once():
        app = create_app(WebSettings(workers=1, queue_length=0))
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.post("/api/recognize", content=PAGE.read_bytes()) for _ in range(3)))

    responses = asyncio.run(three_at_once())
    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200 and statuses[-1] == 503 and set(statuses) <= {200, 503}
    refused = next(r for r in responses if r.status_code == 503)
    assert refused.headers["retry-after"] == "1" and error_of(refused)["hint"]


# --- headers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/health", "/no/such/page"])
def test_content_security_policy_and_no_cors(client, path):
    response = client.get(path, headers={"Origin": "https://evil.example"})
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "access-control-allow-origin" not in response.headers


def test_page_loads_nothing_from_elsewhere(client):
    for path in ("/", "/static/app.js", "/static/style.css"):
        text = client.get(path).text
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path


def test_docs_are_served_from_here(client):
    html = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in html and "cdn" not in html
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {"/api/recognize", "/api/health"} <= set(schema["paths"])
    assert "multipart/form-data" in schema["paths"]["/api/recognize"]["post"]["requestBody"]["content"]


# --- camera stream ----------------------------------------------------------------------------


def jpeg_frames(count: int) -> list[bytes]:
    capture = cv2.VideoCapture(str(REPO / "sample_videos" / "shaky_numbers.mp4"))
    frames = []
    for _ in range(count):
        ok, image = capture.read()
        assert ok
        frames.append(cv2.imencode(".jpg", image)[1].tobytes())
    return frames


def test_stream_answers_each_frame_with_tracked_results(client):
    truth = json.loads((REPO / "sample_videos" / "shaky_numbers.jsonl").read_text().splitlines()[5])
    with client.websocket_connect("/ws/stream") as socket:
        for frame in jpeg_frames(6):
            socket.send_bytes(frame)
            answer = socket.receive_json()
    assert answer["frame"] == 5 and answer["source"] == "camera" and answer["server_ms"] > 0
    assert all("track" in digit for digit in answer["digits"])
    found = {n["text"] for n in answer["numbers"]}
    assert len(found & {n["text"] for n in truth["numbers"]}) >= 3, found


def test_stream_reports_a_bad_frame_and_goes_on(client):
    with client.websocket_connect("/ws/stream") as socket:
        socket.send_text("hello")
        assert socket.receive_json()["status"] == 415
        socket.send_bytes(b"not a jpeg")
        assert socket.receive_json()["status"] == 415
        for frame in jpeg_frames(2):  # a new track shows from its second frame
            socket.send_bytes(frame)
            answer = socket.receive_json()
    assert answer["frame"] == 1 and answer["numbers"]


def test_stream_closes_on_a_frame_over_the_limit(small):
    with small.websocket_connect("/ws/stream") as socket:
        socket.send_bytes(bytes(SMALL_LIMIT + 1))
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == CLOSE_TOO_BIG


def test_stream_closes_when_idle(small):
    with small.websocket_connect("/ws/stream") as socket, pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_json()
    assert closed.value.code == CLOSE_IDLE and "no frame for 0.3 s" in closed.value.reason


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("myhost.example", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_sniffing_table():
    assert [
        sniff_format(data)
        for data in (
            b"",
            b"\x89PNG\r\n\x1a\n",
            b"\xff\xd8\xff\xe0",
            b"BM",
            b"RIFF\0\0\0\0WEBP",
            b"II*\x00",
            b"MM\x00*",
            b"GIF89a",
        )
    ] == [None, "png", "jpeg", "bmp", "webp", "tiff", "tiff", None]


def test_serve_runs_until_ctrl_c():
    with running_server() as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "api/health", timeout=30) as response:
            assert json.load(response)["status"] == "ok"
        code, stderr = server.stop()
    assert code == 130 and "stopped" in stderr and "Traceback" not in stderr


def test_serve_warns_on_a_public_address():
    with running_server("--host", "0.0.0.0") as server:
        server.stop()
    assert "warning: listening on 0.0.0.0" in server.startup


def test_serve_on_a_busy_port_is_one_line():
    with running_server() as server:
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        result = CliRunner().invoke(cli, ["serve", "--port", port])
    assert result.exit_code == 1 and "cannot listen on 127.0.0.1" in result.output
    assert "--port" in result.output and "Traceback" not in result.output


def test_serve_without_the_web_extra_gives_the_install_hint(monkeypatch):
    for module in ("fastapi", "camdigits.web.app", "camdigits.web.server"):
        monkeypatch.setitem(__import__("sys").modules, module, None)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert 'pip install "camdigits[web]"' in result.output and len(result.output.strip().splitlines()) == 1
