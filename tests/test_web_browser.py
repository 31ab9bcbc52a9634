"""The page in a real browser: Debian's Chromium, headless, driven by Playwright, against
``camdigits serve`` started as a user starts it.

Draw replays the pen strokes of real MNIST test digits; Upload sends the sample photo by
the file picker and by drag-and-drop; Camera plays a sample video through Chromium's fake
camera. Each saves a screenshot of its tab into $CAMDIGITS_SCREENSHOTS (docs/ for the
README's), else into the test's temporary folder.
"""

from __future__ import annotations

import base64
import io
import json
import os
import time
from pathlib import Path

import cv2
import pytest

from bench.web_server import running_server
from tests.pages import first_of_each_label, mnist_test
from tests.web_strokes import skeleton_strokes

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)"
)

REPO = Path(__file__).resolve().parent.parent
PAGE_PHOTO = REPO / "sample_images" / "page.jpg"
CLIP = REPO / "sample_videos" / "shaky_numbers.mp4"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]
VIEWPORT = {"width": 900, "height": 760}
# Where a digit's 28-px MNIST field goes on the 560x280 canvas: 10 canvas px a field pixel.
FIELD_ORIGIN = (140, 0)
FIELD_SCALE = 10
POINT_STEP = 3  # replay every 3rd skeleton point: 7.5 canvas px apart, still a smooth stroke
RESULT_TIMEOUT_MS = 20_000  # a recognition is tens of ms; a loaded CI machine may take seconds
CLIP_FRAMES = 90  # 3 s of the clip, which the fake camera loops
CAMERA_TIMEOUT_S = 20
SCREENSHOT_COLOURS = 256  # "within a few seconds", with room for a loaded machine


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CAMDIGITS_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server():
    with running_server("--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


def launch(playwright, *extra: str):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra])


@pytest.fixture(scope="module")
def browser(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    page.goto(server.url)
    yield page
    context.close()
    assert not errors, errors  # a script error or a blocked resource (CSP) shows here


def check_screenshot(page, path: Path, full_page: bool = False) -> None:
    """Save the page as a 256-colour PNG (a fifth of the size: these go into docs/)."""
    from PIL import Image

    shot = Image.open(io.BytesIO(page.screenshot(full_page=full_page)))
    shot.convert("RGB").quantize(SCREENSHOT_COLOURS).save(path, optimize=True)
    image = cv2.imread(str(path))
    assert image is not None and image.shape[1] == VIEWPORT["width"]


def replay(page, strokes, origin: tuple[float, float] = FIELD_ORIGIN, scale: float = FIELD_SCALE) -> None:
    """Draw ``strokes`` (in MNIST field pixels) with the mouse, the field's top-left at
    ``origin`` on the canvas and ``scale`` canvas px a field pixel."""
    box = page.locator("#draw-canvas").bounding_box()
    css_per_canvas_px = box["width"] / 560
    for stroke in strokes:
        points = [*stroke[::POINT_STEP], stroke[-1]]
        coords = [
            (
                box["x"] + (origin[0] + x * scale) * css_per_canvas_px,
                box["y"] + (origin[1] + y * scale) * css_per_canvas_px,
            )
            for x, y in points
        ]
        page.mouse.move(*coords[0])
        page.mouse.down()
        for point in coords[1:]:
            page.mouse.move(*point)
        page.mouse.up()


def wait_for_draw_result(page) -> str:
    page.wait_for_function(
        "() => document.getElementById('draw-result').dataset.revision === "
        "document.getElementById('draw-canvas').dataset.revision",
        timeout=RESULT_TIMEOUT_MS,
    )
    return page.locator("#draw-numbers").inner_text()


@pytest.mark.slow
def test_draw_reads_replayed_mnist_digits(page, tmp_path):
    digits, labels = mnist_test()
    read = {}
    for index in first_of_each_label():
        page.click("#draw-clear")
        replay(page, skeleton_strokes(digits[index]))
        read[int(labels[index])] = wait_for_draw_result(page)
    right = [label for label, text in read.items() if text == str(label)]
    assert len(right) >= 9, read
    # The last digit (a 9) stays on the canvas: one digit shows its ten probabilities.
    if read[9] == "9":
        bars = page.locator("#draw-bars li")
        assert bars.count() == 10 and page.locator("#draw-bars li.top").inner_text().startswith("9")
    check_screenshot(page, screenshot_dir(tmp_path) / "web_draw.png", full_page=True)


def test_draw_reads_several_digits_as_a_number(page):
    digits, _ = mnist_test()
    replay(page, skeleton_strokes(digits[0]), origin=(40, 20), scale=8)  # a 7
    replay(page, skeleton_strokes(digits[1]), origin=(190, 20), scale=8)  # a 2, close enough to be one number
    assert wait_for_draw_result(page) == "72"
    assert page.locator("#draw-digits li").count() == 2 and page.locator("#draw-chart").is_hidden()


def test_draw_undo_and_clear(page):
    digits, _ = mnist_test()
    replay(page, skeleton_strokes(digits[0]))  # a 7
    assert wait_for_draw_result(page) == "7"
    page.click("#draw-undo")
    wait_for_draw_result(page)
    page.click("#draw-clear")
    assert wait_for_draw_result(page) == "none"
    assert page.locator("#draw-digits li").count() == 0


def test_upload_shows_the_sample_photo_numbers(page, tmp_path):
    truth = {n["text"] for n in json.loads((REPO / "sample_images" / "page.truth.json").read_text())["numbers"]}
    page.click("#tab-upload")
    page.set_input_files("#upload-input", str(PAGE_PHOTO))
    numbers = page.locator(".upload .numbers").first
    numbers.wait_for(timeout=RESULT_TIMEOUT_MS)
    assert set(numbers.inner_text().split(", ")) == truth
    assert page.locator(".upload canvas").count() == 1
    with page.expect_download() as download:
        page.get_by_role("button", name="Download JSON").click()
    answer = json.loads(Path(download.value.path()).read_text())
    assert {n["text"] for n in answer["numbers"]} == truth
    with page.expect_download() as download:
        page.get_by_role("button", name="Download annotated PNG").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
    check_screenshot(page, screenshot_dir(tmp_path) / "web_upload.png")


def test_upload_by_drag_and_drop(page):
    page.click("#tab-upload")
    encoded = base64.b64encode(PAGE_PHOTO.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """(encoded) => {
        const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        for (const name of ["one.jpg", "two.jpg"]) transfer.items.add(new File([bytes], name, { type: "image/jpeg" }));
        return transfer;
    }""",
        encoded,
    )
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})
    page.wait_for_function(
        "() => document.querySelectorAll('.upload .numbers').length === 2", timeout=RESULT_TIMEOUT_MS
    )
    assert all("6472" in text for text in page.locator(".upload .numbers").all_inner_texts())


def test_upload_of_a_non_image_shows_the_error(page, tmp_path):
    page.click("#tab-upload")
    fake = tmp_path / "notes.png"
    fake.write_text("not an image at all")
    page.set_input_files("#upload-input", str(fake))
    error = page.locator(".upload .error")
    error.wait_for(timeout=RESULT_TIMEOUT_MS)
    assert "not a png, jpg" in error.inner_text()
    refused = "Failed to load resource: the server responded with a status of 415 (Unsupported Media Type)"
    assert page.console_errors == [refused]
    page.console_errors.clear()


def test_tabs_work_from_the_keyboard(page):
    page.focus("#tab-draw")
    page.keyboard.press("ArrowRight")
    assert page.locator("#panel-upload").is_visible() and not page.locator("#panel-draw").is_visible()
    page.keyboard.press("End")
    assert page.locator("#panel-camera").is_visible()
    page.keyboard.press("Home")
    assert page.locator("#panel-draw").is_visible()


def test_readable_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.url)
    for tab in ("draw", "upload", "camera"):
        page.click(f"#tab-{tab}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, tab
    context.close()


COUNT_FRAMES_IN_FLIGHT = """
(() => {
  let sent = 0, received = 0;
  window.mostInFlight = 0;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.counted) {
      this.counted = true;
      this.addEventListener("message", () => { received += 1; });
    }
    sent += 1;
    window.mostInFlight = Math.max(window.mostInFlight, sent - received);
    return send.call(this, data);
  };
})();
"""


def write_y4m(video: Path, path: Path, frames: int) -> None:
    """The first ``frames`` frames of ``video`` as a .y4m file, the format Chromium's fake camera plays."""
    capture = cv2.VideoCapture(str(video))
    ok, image = capture.read()
    assert ok, video
    height, width = image.shape[:2]
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + cv2.cvtColor(image, cv2.COLOR_BGR2YUV_I420).tobytes())
            ok, image = capture.read()
            if not ok:
                break


def test_camera_overlay_shows_the_clip_numbers(playwright, server, tmp_path):
    clip = tmp_path / "clip.y4m"
    write_y4m(CLIP, clip, CLIP_FRAMES)
    truth = {
        n["text"]
        for line in CLIP.with_suffix(".jsonl").read_text().splitlines()[:CLIP_FRAMES]
        for n in json.loads(line)["numbers"]
        if len(n["text"]) >= 2
    }
    browser = launch(
        playwright,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}",
    )
    try:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        # Counts, in the page, frames sent and answers received (Playwright reports no
        # "framesent" for a Blob), keeping the most frames ever awaiting an answer.
        page.add_init_script(COUNT_FRAMES_IN_FLIGHT)
        page.goto(server.url)
        page.click("#tab-camera")
        page.click("#camera-start")
        deadline = time.monotonic() + CAMERA_TIMEOUT_S
        shown: set[str] = set()
        while time.monotonic() < deadline and len(shown & truth) < 3:
            shown |= set(page.locator("#camera-numbers").inner_text().split(", "))
            page.wait_for_timeout(100)
        assert len(shown & truth) >= 3, (shown, truth)
        painted = page.evaluate("""() => {
            const canvas = document.getElementById('camera-overlay');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 3; i < pixels.length; i += 4) count += pixels[i] > 0;
            return count;
        }""")
        assert painted > 0  # boxes and labels drawn over the video
        assert page.evaluate("() => window.mostInFlight") == 1  # never a second frame before an answer
        assert page.locator("#camera-meter").inner_text().split(" fps")[0] not in ("–", "0.0")
        check_screenshot(page, screenshot_dir(tmp_path) / "web_camera.png")
        page.click("#camera-stop")
        assert page.locator("#camera-status").inner_text() == "stopped"
    finally:
        browser.close()


def test_api_docs_render_offline(browser, server):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort()
    )  # as offline: only this server answers
    page.goto(server.url + "docs")
    page.locator(".opblock-summary-path").first.wait_for(timeout=RESULT_TIMEOUT_MS)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    context.close()
    assert {"/api/recognize", "/api/health"} <= set(paths) and not errors, (paths, errors)
