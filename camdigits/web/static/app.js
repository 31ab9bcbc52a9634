// camdigits page: Draw, Upload and Camera tabs on the server's /api/recognize and /ws/stream.
// Plain script, no build step and nothing fetched from elsewhere (the page's CSP forbids it).
"use strict";

const RECOGNIZE_URL = "/api/recognize";
const DRAW_DEBOUNCE_MS = 250;  // recognise this long after the last stroke change
// The drawing is sent with a white margin of this fraction of its height on every side:
// the recognizer drops blobs that touch the frame's edge or fill most of its height.
const DRAW_MARGIN = 0.25;
const CAMERA_JPEG_QUALITY = 0.8;
const CAMERA_SIZE = { width: { ideal: 640 }, height: { ideal: 480 } };
const METER_SMOOTHING = 0.9;  // weight of the past in the fps and latency shown
const BOX_COLOUR = "#00a050";
const LABEL_FONT = "bold 16px system-ui, sans-serif";

const $ = (id) => document.getElementById(id);

// ---- shared --------------------------------------------------------------------------

async function postImage(blob, name, query = "") {
  const form = new FormData();
  form.append("file", blob, name);
  for (;;) {
    const response = await fetch(RECOGNIZE_URL + query, { method: "POST", body: form });
    if (response.status === 503) {  // the server's queue is full: wait as it asks, then retry
      const seconds = Number(response.headers.get("Retry-After")) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const error = await response.json();
        message = error.hint ? `${error.error} (${error.hint})` : error.error;
      } catch (_) { /* not JSON: keep the status line */ }
      throw new Error(message);
    }
    return query.includes("annotated=1") ? response.blob() : response.json();
  }
}

function percent(confidence) {
  return `${Math.round(confidence * 100)}%`;
}

function numbersText(result) {
  return result.numbers.length ? result.numbers.map((n) => n.text).join(", ") : "none";
}

// Boxes and labels of a result, in its image's pixels, onto a 2-D context scaled by `scale`.
function drawBoxes(context, result, scale = 1, offset = 0) {
  context.lineWidth = 2;
  context.font = LABEL_FONT;
  context.textBaseline = "bottom";
  for (const digit of result.digits) {
    const [x, y, w, h] = digit.box.map((v) => v * scale);
    const left = x - offset * scale, top = y - offset * scale;
    context.strokeStyle = BOX_COLOUR;
    context.strokeRect(left, top, w, h);
    const label = `${digit.label} ${percent(digit.confidence)}`;
    const width = context.measureText(label).width + 6;
    const labelTop = top >= 20 ? top - 20 : top + h;
    context.fillStyle = BOX_COLOUR;
    context.fillRect(left, labelTop, width, 20);
    context.fillStyle = "#fff";
    context.fillText(label, left + 3, labelTop + 18);
  }
}

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- tabs ----------------------------------------------------------------------------

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab) => {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !selected;
    }
    tab.focus();
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {  // arrow keys move between tabs (WAI-ARIA tabs pattern)
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select(tabs[(index + step + tabs.length) % tabs.length]);
      if (event.key === "Home") select(tabs[0]);
      if (event.key === "End") select(tabs[tabs.length - 1]);
    });
  });
}

// ---- Draw ----------------------------------------------------------------------------

function setUpDraw() {
  const canvas = $("draw-canvas"), overlay = $("draw-overlay"), result = $("draw-result");
  const context = canvas.getContext("2d"), overlayContext = overlay.getContext("2d");
  const strokes = [];  // each: {width, points: [[x, y], ...]}, in canvas pixels
  let current = null, timer = null, revision = 0;

  const penWidth = () => Number($("pen-width").value);
  $("pen-width").addEventListener("input", () => { $("pen-width-value").textContent = penWidth(); });

  function paint() {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000";
    context.fillStyle = "#000";
    for (const stroke of strokes) {
      context.lineWidth = stroke.width;
      if (stroke.points.length === 1) {  // a dot
        const [x, y] = stroke.points[0];
        context.beginPath();
        context.arc(x, y, stroke.width / 2, 0, 2 * Math.PI);
        context.fill();
        continue;
      }
      context.beginPath();
      context.moveTo(...stroke.points[0]);
      for (const point of stroke.points.slice(1)) context.lineTo(...point);
      context.stroke();
    }
  }

  function changed() {
    revision += 1;
    canvas.dataset.revision = revision;
    paint();
    clearTimeout(timer);
    timer = setTimeout(recognise, DRAW_DEBOUNCE_MS);
  }

  function toCanvas(event) {
    const rect = canvas.getBoundingClientRect();
    return [(event.clientX - rect.left) * canvas.width / rect.width,
            (event.clientY - rect.top) * canvas.height / rect.height];
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    current = { width: penWidth(), points: [toCanvas(event)] };
    strokes.push(current);
    changed();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const each of events.length ? events : [event]) current.points.push(toCanvas(each));
    paint();
    if (!timer) timer = setTimeout(recognise, DRAW_DEBOUNCE_MS);  // read as you draw, at most this often
  });
  const finish = () => {
    if (!current) return;
    current = null;
    changed();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  $("draw-undo").addEventListener("click", () => { strokes.pop(); changed(); });
  $("draw-clear").addEventListener("click", () => { strokes.length = 0; changed(); });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "z" && !$("panel-draw").hidden) {
      event.preventDefault();
      strokes.pop();
      changed();
    }
  });

  async function recognise() {
    timer = null;
    const asked = revision;
    overlayContext.clearRect(0, 0, overlay.width, overlay.height);
    if (!strokes.length) {
      show({ digits: [], numbers: [] }, asked);
      return;
    }
    const margin = Math.round(canvas.height * DRAW_MARGIN);
    const padded = document.createElement("canvas");
    padded.width = canvas.width + 2 * margin;
    padded.height = canvas.height + 2 * margin;
    const paddedContext = padded.getContext("2d");
    paddedContext.fillStyle = "#fff";
    paddedContext.fillRect(0, 0, padded.width, padded.height);
    paddedContext.drawImage(canvas, margin, margin);
    const blob = await new Promise((resolve) => padded.toBlob(resolve, "image/png"));
    try {
      const answer = await postImage(blob, "drawing.png", "?probabilities=1");
      if (asked !== revision) return;  // the drawing changed meanwhile; a newer request follows
      drawBoxes(overlayContext, answer, 1, margin);
      show(answer, asked);
    } catch (error) {
      $("draw-numbers").textContent = `error: ${error.message}`;
      result.dataset.revision = asked;
    }
  }

  function show(answer, asked) {
    $("draw-numbers").textContent = numbersText(answer);
    const list = $("draw-digits");
    list.replaceChildren(...answer.digits.map((digit) => {
      const item = document.createElement("li");
      item.textContent = `${digit.label} (${percent(digit.confidence)})`;
      return item;
    }));
    const single = answer.digits.length === 1 && answer.digits[0].probabilities;
    $("draw-chart").hidden = !single;
    if (single) {
      const probabilities = answer.digits[0].probabilities;
      const top = probabilities.indexOf(Math.max(...probabilities));
      $("draw-bars").replaceChildren(...probabilities.map((p, digit) => {
        const row = document.createElement("li");
        row.className = digit === top ? "top" : "";
        row.setAttribute("aria-label", `${digit}: ${percent(p)}`);
        const name = document.createElement("span"), bar = document.createElement("span"), value = document.createElement("span");
        name.textContent = digit;
        bar.className = "bar";
        bar.style.width = `${p * 100}%`;
        value.textContent = percent(p);
        row.append(name, bar, value);
        return row;
      }));
    }
    result.dataset.revision = asked;
  }

  paint();
}

// ---- Upload --------------------------------------------------------------------------

function setUpUpload() {
  const zone = $("drop-zone"), input = $("upload-input"), status = $("upload-status");
  let queue = Promise.resolve();  // one upload at a time, in the order chosen

  zone.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      input.click();
    }
  });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    addFiles(event.dataTransfer.files);
  });
  input.addEventListener("change", () => { addFiles(input.files); input.value = ""; });

  function addFiles(files) {
    for (const file of files) queue = queue.then(() => readFile(file));
    status.textContent = `${files.length} photo${files.length === 1 ? "" : "s"} added`;
  }

  async function readFile(file) {
    const card = document.createElement("article");
    card.className = "upload";
    const title = document.createElement("h2");
    title.textContent = file.name;
    const line = document.createElement("p");
    line.className = "numbers-line";
    line.textContent = "reading…";
    card.append(title, line);
    $("upload-results").prepend(card);
    try {
      const answer = await postImage(file, file.name);
      const bitmap = await createImageBitmap(file);
      const canvas = document.createElement("canvas");
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `${file.name} with ${answer.digits.length} digits boxed`);
      const context = canvas.getContext("2d");
      context.drawImage(bitmap, 0, 0);
      drawBoxes(context, answer, bitmap.width / answer.width);
      line.replaceChildren("Numbers: ");
      const numbers = document.createElement("strong");
      numbers.className = "numbers";
      numbers.textContent = numbersText(answer);
      line.append(numbers, ` (${answer.digits.length} digits)`);
      const actions = document.createElement("div");
      actions.className = "actions";
      const stem = file.name.replace(/\.[^.]*$/, "");
      actions.append(
        button("Download annotated PNG", async () => download(await postImage(file, file.name, "?annotated=1"), `${stem}.annotated.png`)),
        button("Download JSON", () => download(new Blob([JSON.stringify(answer, null, 1)], { type: "application/json" }), `${stem}.json`)),
      );
      card.append(canvas, actions);
    } catch (error) {
      line.className = "error";
      line.textContent = error.message;
    }
  }

  function button(text, action) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = text;
    element.addEventListener("click", action);
    return element;
  }
}

// ---- Camera --------------------------------------------------------------------------

function setUpCamera() {
  const video = $("camera-video"), overlay = $("camera-overlay"), status = $("camera-status");
  const frame = document.createElement("canvas");
  let stream = null, socket = null, sentAt = 0, lastAnswerAt = 0, fps = 0, latency = 0;

  $("camera-start").addEventListener("click", start);
  $("camera-stop").addEventListener("click", () => stop("stopped"));

  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = "This browser gives pages from another machine no camera unless they come over https; open the page on the machine that serves it (127.0.0.1).";
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: CAMERA_SIZE, audio: false });
    } catch (error) {
      status.textContent = `No camera: ${error.message}. Allow the camera for this page, or check that one is connected.`;
      return;
    }
    video.srcObject = stream;
    await video.play();
    $("camera-start").disabled = true;
    $("camera-stop").disabled = false;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const opened = new WebSocket(`${scheme}//${location.host}/ws/stream`);
    socket = opened;
    opened.addEventListener("open", () => { status.textContent = "streaming"; send(); });
    opened.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    opened.addEventListener("close", (event) => {  // closed by the server, not by Stop
      if (socket === opened) stop(`stream closed${event.reason ? ": " + event.reason : ""}`);
    });
  }

  function stop(reason) {
    if (socket) { const open = socket; socket = null; open.close(); }
    if (stream) { for (const track of stream.getTracks()) track.stop(); stream = null; }
    video.srcObject = null;
    overlay.getContext("2d").clearRect(0, 0, overlay.width, overlay.height);
    $("camera-start").disabled = false;
    $("camera-stop").disabled = true;
    status.textContent = reason;
  }

  // The newest frame goes out only when the previous answer is back: one frame in flight.
  function send() {
    if (!socket || socket.readyState !== WebSocket.OPEN || !video.videoWidth) {
      if (socket) requestAnimationFrame(send);
      return;
    }
    frame.width = video.videoWidth;
    frame.height = video.videoHeight;
    frame.getContext("2d").drawImage(video, 0, 0);
    frame.toBlob((blob) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      sentAt = performance.now();
      socket.send(blob);
    }, "image/jpeg", CAMERA_JPEG_QUALITY);
  }

  function receive(answer) {
    const now = performance.now();
    latency = latency ? METER_SMOOTHING * latency + (1 - METER_SMOOTHING) * (now - sentAt) : now - sentAt;
    if (lastAnswerAt) {
      const rate = 1000 / (now - lastAnswerAt);
      fps = fps ? METER_SMOOTHING * fps + (1 - METER_SMOOTHING) * rate : rate;
    }
    lastAnswerAt = now;
    $("camera-meter").textContent = `${fps.toFixed(1)} fps · ${Math.round(latency)} ms`;
    if (answer.error) {
      status.textContent = `${answer.error} (${answer.hint})`;
    } else {
      overlay.width = video.clientWidth;
      overlay.height = video.clientHeight;
      const context = overlay.getContext("2d");
      context.clearRect(0, 0, overlay.width, overlay.height);
      drawBoxes(context, answer, overlay.width / answer.width);
      $("camera-numbers").textContent = numbersText(answer);
    }
    send();
  }
}

setUpTabs();
setUpDraw();
setUpUpload();
setUpCamera();
