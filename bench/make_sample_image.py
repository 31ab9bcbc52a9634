"""Write the shipped sample photo, sample_images/page.jpg: python -m bench.make_sample_image

A seeded "photo" scene (perspective, shadow, noise, JPEG) of MNIST TEST digits at 1280x720,
with three multi-digit numbers among lone digits, and its ground truth beside it as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2

from bench.scenes import render_scene

SEED = 11  # chosen for three numbers (54, 6472, 07) on the page
SIZE = (1280, 720)
JPEG_QUALITY = 90
OUT = Path("sample_images")


def main() -> None:
    scene = render_scene("photo", SEED, SIZE)
    OUT.mkdir(exist_ok=True)
    cv2.imwrite(str(OUT / "page.jpg"), scene.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    truth = {
        "digits": [{"label": label, "box": list(box)} for label, box in scene.digits],
        "numbers": [{"text": text, "box": list(box)} for text, box in scene.numbers],
    }
    (OUT / "page.truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    print(f"wrote {OUT / 'page.jpg'} ({len(scene.digits)} digits) and its ground truth")


if __name__ == "__main__":
    main()
