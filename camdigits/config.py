"""Every tuned constant of the pipeline, named, with its unit and the reason for its value.

One frozen dataclass so that a run is described by one object: the CLI builds it from
options, tests build variants with ``dataclasses.replace``, and nothing in the per-frame
loop hides a literal.
"""

from __future__ import annotations

from dataclasses import dataclass

# The MNIST patch geometry. Fixed by the data set the model learnt from, not tunable.
PATCH_SIZE = 28  # px, side of the square patch the model reads
PATCH_BOX = 20  # px, longest side of the digit inside the patch, as in MNIST

# Class index the model uses for "not a digit" (its eleventh output).
NOT_A_DIGIT = 10

# Shorter side (px) of a VGA webcam frame, the smallest frame the pipeline is tuned for:
# sizes given in px (annotation line widths, the rule search) and the least ink density
# hold at this side and are scaled from it for larger frames.
REFERENCE_SIDE = 480


@dataclass(frozen=True)
class Config:
    """Thresholds and sizes for segmentation, classification and number grouping."""

    # --- thresholding -------------------------------------------------------------
    # Side of the local window for the adaptive threshold, as a fraction of the frame's
    # shorter side. Must be wider than the thickest stroke or stroke centres go hollow,
    # and narrow enough to follow shadows and lighting gradients.
    threshold_window: float = 0.08
    # How much darker than its local mean a pixel must be to count as ink, in grey levels
    # (0-255). Lower finds fainter pencil but also paper texture and noise.
    threshold_offset: float = 10.0
    # Frames with a median brightness below this (grey levels) are treated as light ink
    # on a dark board: chalk boards and marker on black paper.
    dark_background_level: int = 100
    # Side of the morphological close that joins broken strokes, as a fraction of the
    # threshold window; 0 disables it.
    close_fraction: float = 0.0

    # --- candidate filters --------------------------------------------------------
    min_digit_height: int = 10  # px: below this there is too little ink to read
    max_digit_height: float = 0.9  # fraction of frame height: taller is a page edge or object
    # Width / height. MNIST's training digits span 0.1 (a bare "1") to 1.82 (flat 5s and
    # 0s) at the 0.1 and 99.9 percentiles; wider blobs are dashes, words or lines.
    min_aspect: float = 0.08
    max_aspect: float = 1.9
    # ink pixels / box area: lower is a thin line or frame. For a 480-px frame; larger frames
    # lower it (candidates.min_ink_density).
    min_ink_density: float = 0.08
    max_ink_density: float = 0.75  # ink pixels / box area: higher is a filled blob or object
    border_margin: int = 1  # px: blobs touching the frame edge this closely are cut off
    # A straight stroke taller than line_min_height of the frame and thinner than
    # line_max_stroke of its length is a pen line (a margin, a table edge at a slant, a
    # pencil lying on the desk), not a one: a patch cannot tell them apart, and a frame
    # with no other digits has no page context to. Writing a one that fills that much of
    # the view takes a close camera, whose strokes are that much wider too. Straight: ink
    # length (area / stroke width) at most line_max_travel times the box diagonal.
    line_min_height: float = 0.4
    line_max_stroke: float = 0.03
    line_max_travel: float = 1.2

    # --- classification -------------------------------------------------------------
    # A digit is reported only if the model gives it at least this probability; lower
    # raises recall on messy writing and false digits on doodles (see README, "Rejecting
    # non-digits").
    min_confidence: float = 0.70
    # Threads for the LiteRT interpreter. Two matches a laptop's spare cores without
    # starving capture and display.
    num_threads: int = 2

    # --- word context (camdigits.recognition.context) ------------------------------------
    # A run of writing (blobs linked as in a number) with more letters than digits is text,
    # and none of its blobs is reported as a digit; a letter is a blob not read as a digit.
    # Needs at least this many blobs in the run: a lone unsure glyph next to a digit stays.
    word_min_blobs: int = 3

    # --- number grouping ----------------------------------------------------------------
    # Two digits belong to one number (two blobs to one word) if the gap between them is at
    # most this many digit heights: a wider gap is a space between groups ...
    max_gap: float = 0.6
    # ... their vertical centres differ by at most this many digit heights ...
    max_centre_offset: float = 0.5
    # ... and the shorter is at least this fraction of the taller one's height.
    min_height_ratio: float = 0.5

    # --- input limits -------------------------------------------------------------------
    # Images with more pixels than this are refused: decoding and thresholding them takes
    # seconds and gigabytes. 50 MP is well beyond any phone photo.
    max_megapixels: float = 50.0
    # Candidates read per frame at most; past it the frame is noise or texture, not writing,
    # and the result says it stopped there. A printed page at 48 MP gives a few thousand;
    # noise gives one every few hundred pixels, which would take minutes to classify.
    max_candidates: int = 20_000

    def __post_init__(self) -> None:
        checks = {
            "threshold_window": 0.0 < self.threshold_window < 1.0,
            "min_digit_height": self.min_digit_height >= 4,
            "max_digit_height": 0.0 < self.max_digit_height <= 1.0,
            "line_min_height": 0.0 < self.line_min_height <= 1.0,
            "line_max_stroke": self.line_max_stroke > 0.0,
            "line_max_travel": self.line_max_travel >= 1.0,
            "min_aspect < max_aspect": 0.0 < self.min_aspect < self.max_aspect,
            "min_ink_density < max_ink_density": 0.0 <= self.min_ink_density < self.max_ink_density <= 1.0,
            "min_confidence": 0.0 <= self.min_confidence <= 1.0,
            "num_threads": self.num_threads >= 1,
            "max_megapixels": self.max_megapixels > 0,
            "word_min_blobs": self.word_min_blobs >= 2,
            "max_candidates": self.max_candidates >= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid Config values: {', '.join(bad)} (got {self})")
