"""Every tuned constant of the recognition stages, named, with its unit, grouped by stage.

Two kinds, each with its runtime settings (threads, limits on work and memory) apart from
its tuning, at the end:

- :class:`Config`, the settings a run may change: the CLI builds it from options, the web
  app and the tests with ``dataclasses.replace``.
- Module-level constants, fixed: each stage imports those it reads by name, so a test
  patches one where it is read (``monkeypatch.setattr(blobs, "MAX_PAIRS_PER_BLOB", n)``).

Why each value is what it is: docs/accuracy.md and docs/performance.md, "Why these values".
The tracker's settings are :class:`TrackerConfig`, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- patch: fixed by MNIST, which the model learnt from ------------------------------------
PATCH_SIZE = 28  # px, side of the square patch the model reads
PATCH_BOX = 20  # px, longest side of the digit inside the patch, as in MNIST
NOT_A_DIGIT = 10  # class index of the model's "not a digit" output (its eleventh)

# --- frame size -----------------------------------------------------------------------------
# Sizes in px (the rule search, merging, annotation) and the least ink density are given for
# a frame whose shorter side is REFERENCE_SIDE, and grow with larger frames (rules.frame_scale).
REFERENCE_SIDE = 480  # px, shorter side of a VGA webcam frame, the smallest the stages are tuned for
MAX_FRAME_SCALE = 1.5  # most those sizes grow (720p's scale): at a still's own scale, printed letters join into rules

# --- threshold (recognition/threshold.py) ---------------------------------------------------
BLUR_KERNEL = (3, 3)  # px, gaussian blur before thresholding: small, so thin pen strokes survive
# A faint frame (a pencil, a pale pen, dim light) is thresholded again at a lower offset:
# its strokes lie 10-25 grey levels deep, and at Config.threshold_offset they break apart.
FAINT_DEPTH_RATIO = 3.0  # of Config.threshold_offset: ink this deep (30 levels) is a dark pen's (a faint page's: 10-25)
FAINT_DEEP_SHARE = 0.1  # of a frame's thresholded pixels, the share that deep under which the frame is faint
FAINT_OFFSET_RATIO = 0.8  # of Config.threshold_offset, the offset a faint frame is thresholded at (8 of 10)
FAINT_SAMPLE_STEP = 4  # every this-many-th row is measured: all rows cost 0.05 ms a 640x480 frame, these 0.01

# --- rules (recognition/rules.py) -----------------------------------------------------------
# A row or column this inked may hold a rule; runs of ink along it that span the frame and
# are thin are rules. px sizes are at REFERENCE_SIDE (rules.RuleSizes).
RULE_TRIGGER = 0.3  # fraction of a row's (column's) pixels inked that starts the search along it
RULE_RUN = 40  # px, least run of ink along a rule: short enough to let lines ~3 degrees off level through
RULE_MIN_COVER = 0.65  # fraction of a rule's length its runs cover at least, unless ...
RULE_LONG_RUN = 1.5  # ... one of them is this many RULE_RUNs long (aligned strokes: neither)
RULE_MAX_FLANK = 0.3  # inked fraction of the strip beside a line from which it runs along writing (rules: 0.29 at most)
RULE_FULL_COVER = 0.85  # share of its length a line's runs cover from which it is a rule, whatever lies beside it
RULE_FLANK_STEP = 4  # px between the columns along a line where the strip beside it is sampled
RULE_MIN_EXTENT = 0.3  # fraction of the frame's width (height) a rule spans at least
RULE_MIN_SAG = 1.0  # px a rule's parabola leaves its middle's tangent at its farther end, from which it is drawn
RULE_FIT_STEP = 8  # every this many run pixels of a rule fit its parabola: a few hundred points are plenty
RULE_CURVE_STEP = 4  # px between the points of a curved rule's polyline
# Fewer than RULING_MIN_LINES lines, none with ink along RULING_LONE_EXTENT of the frame's
# width (height), are no ruling but lines of writing the writing test let through (a word's
# feet: 0.24-0.49 on the field set's pages of words; a rule broken near its digits: 0.62 up).
RULING_MIN_LINES = 3
RULING_LONE_EXTENT = 0.6
RULE_MAX_THICKNESS = 0.012  # fraction of the frame's shorter side, median thickness of a rule at most
# RULE_MIN_THICKNESS: px, the least that RULE_MAX_THICKNESS allows; also the most a band's
# median run across may be for strokes on it to be given back (recognition/crossings.py):
# a printed rule's, not a desk's grain (docs/accuracy.md, "Strokes across a rule given back").
RULE_MIN_THICKNESS = 4.0
RULE_GAP = 9  # px, gaps between a faint rule's dashes that are bridged
RULE_BAND = 3  # px across a rule erased with it: its tilt steps and blurred edge
RULE_CROSSING = 2  # px beyond the thickest rule and RULE_BAND: widest erased strip a crossing stroke is bridged over
# Ink on an erased rule whose run across the rule is RULE_STROKE_RUN px longer than the
# rule's median run is a pen stroke's, crossing aslant or lying against it (recognition/
# crossings.py); bands are told level from upright by a run of RULE_DIRECTION_RUN px along
# them (a band 5 px wide keeps one up to 18 degrees off level; further, nothing is given
# back). Both are fixed px: measured at 640x480 and 720p alike (docs/accuracy.md).
RULE_STROKE_RUN = 2
RULE_DIRECTION_RUN = 15
RULE_INK_DEPTH = 2.0  # times the median depth of the ink erased as rules, from which ink on a rule is a pen's
RULE_TILT_INK = 0.035  # fraction of the mask inked from which rules at any angle are searched (a ruled page)
RULE_TILT_MAX_INK = 0.2  # fraction inked past which a mask is texture: the line search costs most and finds none
RULE_TILT_MIN = 1.5  # degrees, least tilt at which rules are erased on the mask turned level
# ... and from this many degrees, where the level search finds no rule: a thin grid 1 degree
# off level at 720p inks no row 30 % across (docs/accuracy.md, "A grid one degree off level").
# Under it, RULE_HOUGH_MIN_LINES decides a second level search.
RULE_TILT_RETRY = 0.5
# Under RULE_TILT_RETRY, a page-like mask whose level search finds no rule and whose line
# search finds this many long lines or more is searched level without the inked-row trigger:
# a faint level grid thresholded into dashes (docs/accuracy.md, "A faint level grid
# searched without its inked rows"); as many lines as a ruling has rules at least
# (RULING_MIN_LINES), so that a line or two of writing does not start it.
RULE_HOUGH_MIN_LINES = 3
RULE_HOUGH_SHRINK = 4  # times the mask is shrunk for the line search (16x fewer px)
RULE_HOUGH_GAP = 3  # px of the shrunk mask, gaps along a line's dashes that the line search spans
# A frame inked past RULE_TILT_MAX_INK whose ink repeats like a printed grid, turned
# RULE_TILT_MIN or more, is searched as a ruled page (recognition/grid.py): dense field grids
# rise 0.67-1.25, noise frames 0.43 and desks 0.32 at most (docs/accuracy.md, "A page in a dense grid").
GRID_BANDS = 8  # bands of the shrunk mask whose row (column) sums are compared
GRID_MIN_LAG = 3  # px of the shrunk mask, least spacing of a grid's lines
GRID_PEAK = 0.6  # least rise of the bands' autocorrelation at the grid's spacing, both ways
RULE_STRIPS = 3  # upright strips a ruled frame is searched in again, each turned level by its own tilts (a bowed page)
STRIP_RULE_EXTENT = 0.6  # of a strip's width, the least a rule found in it spans (a pen's straight stroke: less)
# Each strip is searched at the tilts its ink lines up along most sharply (recognition/tilts.py):
RULE_TILTS = 2  # tilts a strip is searched at, at most: a page in perspective fans its rules out
RULE_TILT_RANGE = 12.0  # degrees either side of the frame's tilt searched (a strip's rules: up to 10 apart)
RULE_TILT_STEP = 0.5  # degrees between the angles tried
RULE_TILT_PEAK = 0.5  # of the strongest peak's height above the weakest angle, the least a second tilt's
RULE_TILT_APART = 3.0  # degrees between two tilts at least: the level search lets lines 3 degrees off through
RULE_TILT_SHRINK = 2  # times the strip is shrunk first (4x fewer px; rules 1 px thin still show)
RULE_TILT_CHUNK = 1_000_000  # (angle, ink pixel) pairs projected at once, at most: a still's strip in bounded memory
# A line whose two ends both turn a corner into a thin stroke is a side of a drawn box, not a
# rule: erased, a box's top and bottom would leave its sides to read as ones.
BOX_CORNER_COVER = 0.9  # fraction of the RULE_RUN rows beside a line's end a corner's stroke runs through

# --- texture (recognition/texture.py) -------------------------------------------------------
TEXTURE_FRAME_INK = 0.2  # fraction of the mask inked past which a frame is texture (a page of writing has under 0.1)
TEXTURE_DENSE = 0.3  # fraction of the threshold window inked at which a texture frame's ink is cleared
# A digit written large in a marker inks a fifth of a frame, and its strokes are as dense as
# texture; but it stands on paper, and its strokes are wide and solid, where texture's ink is
# specks or threads with more of them all round. Such a blob is kept.
TEXTURE_BLOB_MIN_HEIGHT = 1.0  # threshold windows, the least height of a blob kept
TEXTURE_BLOB_MARGIN = 0.5  # threshold windows, the paper around a blob looked at for other ink
TEXTURE_BLOB_OTHER_INK = 0.1  # fraction of the blob's box and margin that is other ink, the most
TEXTURE_BLOB_SOLID = 0.7  # fraction of the blob's ink an opening keeps, the least
TEXTURE_BLOB_OPENING = 0.2  # threshold windows, side of that opening: wider than texture's specks and threads

# --- grain (recognition/grain.py) -------------------------------------------------------------
GRAIN_FRAME_INK = 0.05  # fraction of the mask inked from which a frame's paper is checked for grain (a page: less)
GRAIN_BLOCK = 1.0  # side of a block, in threshold windows: the paper around a stroke, as the threshold sees it
GRAIN_BLOCK_LIGHT = 0.3  # fraction of its ink's contrast a block's paper may reach above its level; more is grain
GRAIN_BLOCK_MIN_PAPER = 0.05  # fraction of a block that is paper, least for its grain to be measured
GRAIN_BLOCK_MIN_INK = 0.002  # fraction of a block that is ink, least for its own contrast to count
GRAIN_SAMPLE_STEP = 2  # px between the pixels (and rows) sampled to measure a block's grain

# --- candidates (recognition/candidates.py) -------------------------------------------------
MIN_FRAGMENT_AREA = 4  # px of ink, least of a fragment of a digit; smaller is noise
MIN_FRAGMENT_SIDE = 0.3  # fraction of Config.min_digit_height, least longest side of a fragment
# Two fragments are pieces of one digit (a 5's bar, a skipping pen's halves) when they share
# columns and lie close one above the other; whole digits of a worksheet's column lie a row apart.
MERGE_MIN_X_OVERLAP = 0.4  # fraction of the narrower fragment's width within the other's columns (a 5's bar overhangs)
MERGE_MAX_Y_GAP = 0.25  # heights of the taller, largest vertical gap between the fragments
MERGE_SIMILAR_HEIGHT = 0.6  # fraction of the taller's height from which two fragments are of about one height ...
MERGE_MAX_SIMILAR_GAP = 0.1  # ... heights of the taller, their largest gap: a pen's skip, not a row's gap
# A piece tall enough to be a digit (Config.min_digit_height) and at most this share of the
# other's height is a small digit beside a heading digit, not a speck of it ...
MERGE_DIGIT_PIECE_SHARE = 0.15
MERGE_DIGIT_PIECE_GAP = 0.5  # ... unless it lies within this share of its own size (the longer side of its box)
MERGE_ROW_PIECE_SHARE = 0.4  # ... and so is a piece up to this share of it with a blob of its height beside it ...
MERGE_ROW_GAP = 1.0  # ... within this share of its height, sharing this share of its rows
MERGE_ROW_OVERLAP = 0.5
MERGE_PEN_GAP = 4  # px at REFERENCE_SIDE, a skipping pen's gap, which merges whatever the digit's size
DASH_ASPECT = 2.5  # width / height from which a fragment is a dash (a rule's leftover, a bar) ...
DASH_THIN = 0.25  # ... and at most this fraction of the other's height, a stroke's width: a rule's dash
MERGE_MAX_ENCLOSING_AREA = 4.0  # times the inner's area: an enclosing box that large is a loop drawn around it
# On a ruled page the digits of one line come a pen's gap from those of the next. Two groups
# of pieces each STACKED_LINES_PIECE of the page's line height (the median height of its
# groups at least STACKED_LINES_MIN_HEIGHT px at REFERENCE_SIDE tall and STACKED_LINES_MIN_ASPECT
# as wide, counted where there are STACKED_LINES_PEERS of them) are not joined into one
# STACKED_LINES_SPAN times as tall.
STACKED_LINES_PIECE = (0.7, 1.4)  # of the line height: a digit of the page; the halves of one broken are under 0.7
STACKED_LINES_SPAN = 1.6  # line heights: two digits and the gap between them; one digit is about 1
STACKED_LINES_MIN_HEIGHT = 14  # px: a desk of dots whose rules were found sets no line height (docs/accuracy.md)
STACKED_LINES_MIN_ASPECT = 0.3  # width / height: a grid's upright dashes are narrower
STACKED_LINES_PEERS = 5  # groups: fewer give no median to trust (a page of 3-4 digits has no dense lines)
MERGE_MAX_GROWTH = 3.0  # times its tallest piece, the most a group of fragments spans (2.2 split broken digits)
CONTRAST_MARGIN = 0.05  # fraction of the box height (at least 2 px) of paper around a box for its paper level
INK_QUANTILE = 0.25  # quantile of a blob's grey levels taken as its ink level (its median is the stroke's blurred rim)
GRAIN_REACH = 0.5  # box heights around a blob whose paper's grey spread is measured
HOLLOW_DARK = 0.8  # share of a blob's hole as dark as its ink from which the hole is a wide stroke's inside
MAX_GRAIN = 0.3  # fraction of the ink's contrast the paper's spread may reach; more is grain (MAX_GRAIN_IN_CONTEXT)
NOISY_PAPER = 30.0  # grey levels of spread, and of its brightest tenth above its median, from which paper is noise ...
MAX_GRAIN_NOISY = 0.2  # ... and the spread may reach only this fraction of the ink's contrast
# A blob on a ruled page that fails the grain check with the page's rules counted as its paper
# passes where, the rules left out, its paper spreads at most this share of the limit: light
# pencil between darker rules. At 1.0, more of a grainy squared page's corners read as sevens.
RULED_GRAIN = 0.85
# A blob that fails the grain check by at most MAX_GRAIN_IN_CONTEXT times its limit is grainy:
# on a frame with GRAINY_FRAME_DIGITS digits read surely, it is read all the same, and is a
# digit where it reads GRAINY_MIN_CONFIDENCE surely in a run of GRAINY_RUN digits (the frame's
# and such blobs): faint digits on shaded or noisy paper stand in lines of digits, grain does not.
MAX_GRAIN_IN_CONTEXT = 3.0
GRAINY_FRAME_DIGITS = 2  # fewer: no grainy blob is read (a desk's grain beside a stray digit)
GRAINY_MIN_CONFIDENCE = 0.9  # at Config.min_confidence (0.7), more of a grid's marks were read
GRAINY_RUN = 2  # blobs linked as a number's digits, sure digits and grainy ones together
# Ink px / box area of a blob's mask from which it is a filled shape before it is tightened
# (MNIST digits 12-16 px tall: at most 0.96; a filled square: 1.0).
SOLID_MASK_DENSITY = 0.97
# A blob read as a one (marks.without_lying_ones) wider than ONE_MAX_ASPECT times its
# height is a line lying flat (true ones in the field set: 1.17 at most).
ONE_MAX_ASPECT = 1.5
# ... and a digit a grid's mark reads as (PRINTED_LABELS: a dash reads as a one, a corner or a
# crossing as a seven or a four) both finer than ONE_MIN_STROKE of the median stroke width of
# the frame's other digits (ONE_PEERS to ONE_PEERS_READ of them) and fainter than
# ONE_MIN_CONTRAST of their median contrast is a mark of a printed grid
# (marks.without_printed_marks). Contrast: the
# ONE_PAPER_QUANTILE grey level of the box and ONE_MARGIN px around it less the
# ONE_INK_QUANTILE of the ink.
PRINTED_LABELS = (1, 4, 7)
ONE_MIN_STROKE = 0.4
ONE_MIN_CONTRAST = 0.5
ONE_PEERS = 3
ONE_PEERS_READ = 7
ONE_PAPER_QUANTILE = 0.9
ONE_INK_QUANTILE = 0.2
ONE_MARGIN = 3
# A page whose sevens are crossed (MIN_CROSSED_SEVENS of its sure sevens at least, and
# CROSSED_SEVENS_SHARE of them, have a bar reaching CROSSED_SEVEN_BAR of their height past
# each side of their stem, beyond the stem's own stroke) is in a style that flags its ones:
# there a blob read likeliest as a 1 or a 7 (the two together a digit), at least FLAG_MIN_ONE a
# 1, without such a bar is a flagged 1 (recognition/styles.py). The bar is looked for in the
# rows BAR_ROWS of the height (a seven's top arm slopes down above them); the stem runs from
# the top arm's end to the foot, each found in the STEM_ENDS of the rows at its end.
CROSSED_SEVEN_BAR = 0.05
CROSSED_SEVENS_SHARE = 0.6
MIN_CROSSED_SEVENS = 2
FLAG_MIN_ONE = 0.01
BAR_ROWS = (0.35, 0.75)
STEM_ENDS = 0.15
# Word context's x-height letters: in a run with two blobs at least ASCENDER of its tallest, a
# digit under X_HEIGHT of the tallest whose bottom (or top: beside descenders) is within
# BASELINE of the run's median is a letter (a word's a, o, e stand at 0.5-0.65 of its l, t;
# one number's digits at 0.8 and up; a capital T or a t at 0.75-0.85 of the l beside it).
X_HEIGHT = 0.7
# ... or under X_HEIGHT_BESIDE_ONES of it where the run's tall blobs are two ones or more and
# letters: an a at 0.72 of the l's height in "Call" read as C 2 1 1 (a number's digits reach
# 0.77 of its tallest). Measured in docs/accuracy.md, "An a beside two ones is at x-height".
X_HEIGHT_BESIDE_ONES = 0.75
ASCENDER = 0.8
BASELINE = 0.1  # of the tallest height
# A digit read as one of DESCENDER_LABELS (as g, q and y read) whose top stands level with its
# run's x-height letters (within BASELINE of their height) and whose foot hangs DESCENT of
# their height or more under their baseline is a letter below the line ("eggs" read as e 9 9 5).
# Only letters at least LETTER_MIN_WIDTH as wide as tall set that line: a sliver of a broken
# digit is narrower. Measured in docs/accuracy.md, "A nine that hangs below the line is a g".
DESCENDER_LABELS = (4, 9)
DESCENT = 0.2
LETTER_MIN_WIDTH = 0.5
LETTERLIKE = (0, 1)  # the digits letters are written as (O o, l I i): in a run's vote ...
LETTERLIKE_WEIGHT = 0.5  # ... each counts this much of a digit, in a run with this many letter blobs or more
LETTERLIKE_AMONG = 2
LETTER_GAP = 0.3  # of the taller's height: a digit this close to a word's letters is one of them
# A run's digits, all ones and zeros and at least LETTERLIKE_LETTERS of them, are a word's
# letters beside a word or beside a letter whose likeliest digit reads under
# NO_DIGIT_CONFIDENCE: a lone one beside a letter is as likely a number beside a digit read
# unsurely, and a letter is no digit to the digit network, where an odd digit reads as one,
# however unsurely.
LETTERLIKE_LETTERS = 2
NO_DIGIT_CONFIDENCE = 0.2
# A blob that the letter network (classify.LETTER_NETWORK_FILE) reads at least this surely as
# a letter is one where it stands within LETTER_GAP of a word's letters (context.drop_text;
# docs/accuracy.md, "A letter network beside the word context").
LETTER_SHARE = 0.5
# On a page of digits an unread blob is as often a digit read unsurely (an odd 5, two ones
# merged): there the letter network's letters count only in a run holding this many blobs
# of them or more (a joined-up word counts one), of which the unread ones the digit network
# reads as no digit (NO_DIGIT_CONFIDENCE).
PAGE_OF_DIGITS_WORD_LETTERS = 3
# On a page of writing (its letters weigh TEXT_PAGE times its digits or more), a one or a zero
# linked to a single letter, and at least min_height_ratio of its height, is that word's l or
# o, as in "tota l" and "AN D" (a joined-up piece and the letter after it, too short a run to
# be judged). On a page of digits, a one or a zero beside one unread blob is as often a digit
# of its number (docs/accuracy.md).
TEXT_PAGE = 2.0
# The word context links a word's blobs more loosely than a number's digits (Config's
# word_height_ratio, word_centre_offset), so a run's short digits are its letters only where
# they stand among its tall blobs: this many or more, too short to link as a number's digits,
# all on one side of them are a number of a second size (a heading digit beside smaller ones).
SIZE_STEP_DIGITS = 2
# A blob read as a digit less surely than Config.min_confidence, but at least this surely,
# is a digit when its run of writing links it to CONTEXT_SURE_DIGITS digits read surely: it
# stands in a number (chosen on bench.scenes' validation scenes, docs/accuracy.md).
CONTEXT_MIN_CONFIDENCE = 0.5
CONTEXT_SURE_DIGITS = 2
# ... or PAGE_OF_DIGITS_SURE_DIGITS on a page of digits (DIGIT_PAGE): there a blob read so
# beside one digit is a small or faint digit of its number more often than a letter
# (docs/accuracy.md, "An unsure digit beside one sure digit on a page of digits").
PAGE_OF_DIGITS_SURE_DIGITS = 1
# Off a ruled or squared page, such a blob, CONTEXT_SMALL_PX tall (px, least and most) and no
# wider than tall, needs only CONTEXT_SMALL_MIN_CONFIDENCE: the network, its camera digits
# drawn 20-80 px tall, reads a mixed-size page's small writing less surely. On a ruled page,
# and as wider or shorter blobs on a grid whose rules go unfound, small blobs are as often a
# grid's pieces and specks (docs/accuracy.md, "Small unsure digits read in their number").
CONTEXT_SMALL_MIN_CONFIDENCE = 0.3
CONTEXT_SMALL_PX = (12, 20)
# A frame whose digits are all ones, ONLY_ONES of them or more, holds strokes, not writing: the
# grain of a desk, a faint grid's lines, the l's and I's of a page of words (field frames with
# only ones: 1 to 22 of them, none of them a digit; a page of digits reads other digits too).
ONLY_ONES = 4
# On a ruled or squared page, a one standing alone (a number of one digit) under this share
# of the median height of the page's digits is a piece of a rule the erase left: a squared
# page's grid dash between cells (docs/accuracy.md, "A short lone one on a ruled page").
LONE_ONE_HEIGHT = 0.5
X_BAND_SHARE = 0.35  # of a joined-up word's rows' ink (upper quartile): rows with less are its ascenders and descenders
X_BAND_SPAN = (0.4, 0.8)  # of its height, the x-height band taken for it (a word's with ascenders: 0.5)
WORD_MIN_TRAVEL = 2.0  # widths a too-wide blob's ink travels at least to count as joined-up writing (a rule's piece: 1)
# Off a page of digits (DIGIT_PAGE), one whose ink travels LOOSE_WORD_MIN_TRAVEL widths counts as
# a letter as well: a print hand's touching letters ("ar" of "sugar": 1.8), not a 5's flag come
# apart (1.15); only one, as a 2 with a long tail travels 1.7. On a page of digits such blobs
# are a rule's piece joined to a digit as often (docs/accuracy.md, "Touching letters off a
# page of digits").
LOOSE_WORD_MIN_TRAVEL = 1.5
STROKE_ASPECT = 0.35  # width / height below which a blob is a bare stroke (a 1), exempt from the most ink density

# --- lines (recognition/lines.py) -----------------------------------------------------------
LINE_REACH = (0.25, 1.0)  # stroke lengths past each end of a bare stroke where the paper is sampled
LINE_SAMPLES = 16  # points sampled past each end
LINE_MIN_INSIDE = 0.5  # fraction of an end's samples inside the frame for the end to be judged
LINE_SPAN = 0.8  # fraction of a blob's height (width) one column (row) of its ink spans, in a grid's crossing
LINE_CONTINUES = 0.3  # fraction of its contrast by which the paper past both ends is darker in a line's dash
# Thickness / length (along its second moments' axes) below which a slanted blob is a bare
# stroke (lines.is_bare_stroke): a sheet's edge on a desk, in pieces 0.06-0.16; a 7 with a
# short bar, 0.33, whose axis runs on into the digits above and below it in a worksheet.
SLANTED_STROKE_ASPECT = 0.25

# --- patches (recognition/normalise.py) -----------------------------------------------------
# Stroke width as a fraction of the ink's longest side; MNIST's span 0.075-0.175 (5-95 %).
STROKE_TOO_THIN = 0.06  # below this, strokes are thickened (touches ~2 % of MNIST)
STROKE_TOO_THICK = 0.20  # above this, strokes are thinned to MNIST_STROKE_RATIO
MNIST_STROKE_RATIO = 0.11  # MNIST's median; train/ draws its strokes against the same figures
INK_LEVEL = 128  # grey level at or above which a pixel counts as ink for measurements
# A blob read under Config.min_confidence is read again at its grey levels and, unless it is a
# bare stroke (STROKE_ASPECT), turned this many degrees each way: four more readings of a digit
# in a style or at a size the network reads unsurely (docs/accuracy.md, "Unsure blobs read turned").
UNSURE_TURN_DEG = 10.0
# On a page whose rules tilt RULE_TILT_MIN or more, blobs taller than this (px at 480p, grown
# with the frame as the rule sizes are) are read turned level; shorter ones on squared pages
# are a grid's corners and dashes as often as digits, and levelled read as ones and sixes
# (docs/accuracy.md, "Digits on a tilted page read level").
LEVEL_MIN_PX = 16
# A blob at most SMALL_BLOB_PX tall still read under Config.min_confidence, and the halves of
# a cut blob at most SMALL_PAIR_PX tall, are read again by the small-digit network (trained on
# digits down to 10 px, classify.SMALL_NETWORK_FILE), whose reading is taken unless it is a
# one, as a grid's dash is to it (docs/accuracy.md, "A second opinion on small digits").
SMALL_BLOB_PX = 20
# Two small digits merged side by side, their blurred rims and a slant adding a few px; a
# taller blob's small halves stand at different heights, as a p's bowl and stem do.
SMALL_PAIR_PX = 24
# On a page of digits, the halves and dark parts of such a blob are read once more, sharpened
# (candidates.sharpened): their grey levels against the darkest SHARP_INK_QUANTILE of their own
# ink, raised to SHARP_GAMMA, by the full network, taken where it reads them more surely. The
# blur fills a small digit's loops with mid grey, and its patch is a blob (docs/accuracy.md,
# "Small parts read sharpened").
SHARP_INK_QUANTILE = 0.05
SHARP_GAMMA = 2.0
# ... and only on a frame with SMALL_FRAME_DIGITS blobs read surely as digits: a frame of
# noise has none, and the small network reads some of its specks as digits.
SMALL_FRAME_DIGITS = 2

# --- classification cascade (recognition/classify.py) ---------------------------------------
# The first stage's probability from which it settles a patch without the full network,
# chosen on bench.scenes' validation seeds with bench/cascade.py (models/MODEL_CARD.md):
# settled decisions that differ from the full network's stay near 1 in 500 patches, and
# "not a digit" one step higher after a rejected zero on the field set lost its number.
FIRST_STAGE_SURE_DIGIT = 0.9995  # its top digit at least this likely
FIRST_STAGE_SURE_OTHER = 0.9999  # "not a digit" at least this likely

# --- split touching digits (recognition/split.py) -------------------------------------------
MIN_SPLIT_ASPECT = 0.75  # width / height from which a blob is tried as two digits (one digit: 0.1-0.9; two: 0.8-1.7)
CUT_RANGE = (0.2, 0.8)  # fractions of the blob's width searched for its thinnest column: nearer its edges, a sliver
EVEN_CUTS = (0.3, 0.4, 0.5, 0.6, 0.7)  # fractions of the blob's width also cut at, unless near the thinnest
CUT_SPACING = 0.07  # fraction of the blob's width between two tried cuts
MIN_HALF_INK = 0.15  # share of the blob's ink each half holds at least, or it is a sliver
MIN_STACK_PART = 0.5  # of the tallest part's height, the least a stacked blob's part has (less: a rule's dash, a speck)
MIN_HALF_HEIGHT_RATIO = 0.8  # shorter half's height over the taller's at least (an h's or n's right half: 0.74-0.77)
# ... or, for a blob at most SMALL_PAIR_RATIO_PX tall on a page of digits, this: two small
# digits merged in their rims cut into halves 0.67-0.77 of each other's height (field pages
# 82019, 82006). It is under an h's 0.74-0.77, so it holds only where letters are few; taller
# blobs on ruled pages, a faint 4 and a 3 with a rule's dash 21-24 px tall, cut into two digits.
SMALL_PAIR_HEIGHT_RATIO = 0.65
SMALL_PAIR_RATIO_PX = 20
SPLIT_WHEN_WHOLE_BELOW = 0.9  # a blob read as one digit at least this surely is never cut
DROP_REACH = 3  # px a falling drop may slide sideways in one row to reach paper
MIN_HALF_CONFIDENCE = 0.99  # both halves read at least this surely: cut letters give two plausible digits (0.7-0.98)
# ... or, for a blob read as no digit at all (below NO_DIGIT_BELOW, as two touching digits
# are), LOOSE_HALF_CONFIDENCE, unless a half reads as a one, the stem of an n, h, u or m
# (chosen on touching pairs of both benchmarks, docs/accuracy.md).
LOOSE_HALF_CONFIDENCE = 0.97
# ... or, for such a blob at most SMALL_PAIR_PX tall on a page of digits (whose letters weigh
# DIGIT_PAGE times its digits or less, as the word context counts them), SMALL_HALF_CONFIDENCE:
# two small digits merged in their blurred rims read 0.9-0.97. A small word's letters cut in two
# read as surely, hence the page (docs/accuracy.md, "Small merged pairs on a page of digits").
SMALL_HALF_CONFIDENCE = 0.9
DIGIT_PAGE = 0.75
# ... and that holds this many digits read surely or more: a word alone on a page ("Call" read
# as C 2 1 1, "lesson" as 1 e 5 5 0 n) reads as few digits, and is no page of digits.
PAGE_OF_DIGITS_MIN_DIGITS = 5
NO_DIGIT_BELOW = 0.1  # read as one digit less surely: no digit (touching pairs 0-0.1; a 3 with a stroke across 0.5-0.8)
# A cut (or dark parts) whose left part reads as a one is taken only for a blob read as no
# digit, every part read MIN_HALF_CONFIDENCE surely, the one at most LEADING_ONE_ASPECT as wide
# as it is tall (an f's stem keeps its bar), and the part after it none of LETTER_STEM_PARTNERS:
# a letter's stem comes apart from the rest as 1+4, 1+7 or 1+1 (K, k, h, n, H, N, M, R, E). Measured
# in docs/accuracy.md, "A one touching the digit after it".
LEADING_ONE_ASPECT = 0.5
LETTER_STEM_PARTNERS = (1, 4, 7)
# A blob read as no digit is tried as the parts of its ink darker than DARK_PART_LEVEL of the
# way from its paper to its ink: small blurred digits merge in their blurred rims, and their
# cores stand apart (chosen on the field set, docs/accuracy.md).
DARK_PART_LEVEL = 0.6
DARK_PART_MAX = 3  # parts at most: a blob of more is a word's letters or a scribble
# Each part of a stacked blob read at least this surely: less than a cut's halves, as the parts
# lie apart (chosen on stacked pairs of MNIST training digits, docs/accuracy.md).
MIN_STACK_CONFIDENCE = 0.9
# A blob not read as a digit and STACK_TALL times as tall as the frame's digits read surely
# (the median of STACK_PEERS of them at least) holds the digits of two lines. Where its stack
# is refused, its parts that read as digits are kept on their own if they are as tall as
# those digits, give or take STACK_HEIGHT_SPAN; its pieces of connected ink are such parts
# where each shares at most STACK_MAX_OVERLAP of the shorter's height with the rows of the
# one above (the digits of two lines, not the letters of a word). A blob that tall read
# surely as one digit is taken apart where every part is such a digit (two 0s read as an 8).
# Chosen on the field set: bench.scenes has no stacked lines.
STACK_TALL = 1.5
STACK_PEERS = 3
STACK_HEIGHT_SPAN = 0.3
STACK_MAX_OVERLAP = 0.3

# --- numbers (recognition/numbers.py) -------------------------------------------------------
SAME_LINE_OVERLAP = 0.5  # fraction of the shorter's height two numbers' extents overlap to be on one line
MAX_OVERLAP = 0.3  # digit heights a right neighbour may overlap the digit to its left (handwriting touches)
# ... and, off a page of digits, a word's letter the letter to its left: an o under a T's
# bar (docs/accuracy.md, "A letter under a capital's bar").
WORD_MAX_OVERLAP = 0.5
# Off a page of digits a word's x-height letters may stand at 0.3 of its ascenders' height
# (or Config.word_height_ratio, if lower; that elsewhere): "table"'s a and "thank"'s a and n
# stand under 0.35 of the t, b and h. On a page of digits a tick after a 1, a dash after a 3
# and the halves of two lines' merge stand so beside the digits (docs/accuracy.md).
WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE = 0.3

# --- runtime: limits on work and memory, and speed (results are the same whatever they are) -
# A frame of crossing lines, every box meeting every other, would compare millions of pairs.
MAX_PAIRS_PER_BLOB = 16  # box pairs per blob the search for touching blobs compares; past it each counts as touching
MAX_BATCH = 512  # patches per interpreter call: a printed page's 40,000 in one would need gigabytes
ALL_PAIRS_MAX = 48  # boxes up to which every pair is compared in one table, not searched (faster for a frame's few)
BAND_ROWS = 32  # px, rows per band of the box search: a few digit heights, so noise's specks spread over bands


@dataclass(frozen=True)
class Config:
    """The settings of a run: tuning of thresholding, candidates, classification, word
    context and numbers, then runtime settings (threads and input limits)."""

    # --- threshold --------------------------------------------------------------------------
    # Side of the local threshold's window: wider than the thickest stroke, narrower than a shadow.
    threshold_window: float = 0.08  # fraction of the frame's shorter side
    threshold_offset: float = 10.0  # grey levels (0-255) darker than the local mean that count as ink
    dark_background_level: int = 100  # grey level: a frame with a darker median is light ink on a dark board
    close_fraction: float = 0.0  # fraction of the window, side of a close that joins broken strokes; 0 is off

    # --- candidates -------------------------------------------------------------------------
    min_digit_height: int = 10  # px: shorter has too little ink to read
    max_digit_height: float = 0.9  # fraction of the frame height: taller is a page edge or object
    min_aspect: float = 0.08  # width / height at least (MNIST's digits span about 0.1-1.8) ...
    max_aspect: float = 1.9  # ... and at most: wider is a dash, a word or a line
    min_ink_density: float = 0.08  # ink px / box area at REFERENCE_SIDE (less in larger frames): lower is a line
    max_ink_density: float = 0.75  # ink px / box area, of the ink tightened to its darker half: higher is a filled blob
    border_margin: int = 1  # px: a blob this close to the frame edge is cut off by it
    # A straight stroke this tall and thin is a pen line (a margin, a table edge, a pencil), not a one.
    line_min_height: float = 0.4  # fraction of the frame height
    line_max_stroke: float = 0.03  # fraction of the stroke's length, its width at most
    line_max_travel: float = 1.2  # ink length (area / stroke width) per box diagonal at most: straight

    # --- classification ---------------------------------------------------------------------
    min_confidence: float = 0.70  # probability (0-1) from which a digit is reported: lower reads doodles too

    # --- word context (recognition/context.py) ----------------------------------------------
    word_min_blobs: int = 3  # blobs (or letters of one joined-up blob) in a run of writing at least for it to be text
    # Two blobs of one word, linked more loosely than a number's digits (below): a handwritten
    # a or e stands at 0.35-0.65 of the height of the D or t beside it, its centre lower; off
    # a page of digits, down to WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE where that is lower.
    word_height_ratio: float = 0.35  # least height of the shorter, as a fraction of the taller's
    word_centre_offset: float = 0.7  # heights of the taller, most their vertical centres differ

    # --- numbers: two digits of one number (two blobs of one word) ---------------------------
    max_gap: float = 0.6  # digit heights of the taller, widest gap between them: wider is a space
    max_centre_offset: float = 0.5  # digit heights of the taller, most their vertical centres differ
    min_height_ratio: float = 0.5  # least height of the shorter, as a fraction of the taller's

    # --- runtime ----------------------------------------------------------------------------
    first_stage: bool = True  # the cheap first network settles the patches it is sure of (shipped model only)
    small_network: bool = True  # the small-digit network reads again small unsure blobs (shipped model only)
    letter_network: bool = True  # the letter network reads blobs beside words for the word context (shipped model only)
    num_threads: int = 2  # LiteRT interpreter threads: a laptop's spare cores, leaving capture and display theirs
    max_megapixels: float = 50.0  # MP: larger images are refused, as decoding them takes seconds and gigabytes
    max_candidates: int = 20_000  # candidates read per frame at most: past it the frame is noise, and says so

    def __post_init__(self) -> None:
        checks = {
            "threshold_window": 0.0 < self.threshold_window < 1.0,
            "threshold_offset": self.threshold_offset > 0.0,
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
            "word_height_ratio": 0.0 < self.word_height_ratio <= self.min_height_ratio,
            "word_centre_offset": self.word_centre_offset >= self.max_centre_offset,
            "max_candidates": self.max_candidates >= 1,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid Config values: {', '.join(bad)} (got {self})")


# --- tracking (tracking.py) ------------------------------------------------------------------
@dataclass(frozen=True)
class TrackerConfig:
    """How tracks are matched, confirmed, smoothed and dropped. Counts are processed frames."""

    # A detection continues a track if its box overlaps the track's predicted box at least
    # this much (IoU): a hand-held camera moves a digit a few px per frame, and two digits on
    # a page overlap at 0.
    match_iou: float = 0.3
    # ... or, failing that, if the centres are at most this many box heights apart: a jerk
    # of the camera or a skipped frame moves a small digit further than its own width.
    max_centre_distance: float = 0.6
    # ... and only if neither its width nor its height changed by more than this factor: a
    # jump in size is a different blob (two digits blurred into one, or one broken up).
    max_size_change: float = 1.5
    # Frames of (label, confidence) a track votes over: long enough to outvote a 1-2 frame
    # misreading, short enough to follow a digit that is rewritten (a quarter second at 30 fps).
    history: int = 8
    # A new track is reported once seen in ``confirm_hits`` of its last ``confirm_window``
    # frames: a real digit shows on its second frame, a one-frame blip never.
    confirm_hits: int = 2
    confirm_window: int = 3
    # A reported track unseen for this many frames in a row is dropped, so a digit lost in a
    # focus hunt or a dip of the light keeps its id and its votes (not shown meanwhile).
    max_missed: int = 5
    # Frames a reported track stays on screen while unseen: a coasting box is a guess, and a
    # digit that left the frame would linger as a false digit.
    coast_frames: int = 0
    # Weight of the previous velocity when a track's per-frame motion is updated (0-1);
    # the prediction only has to bring the box close enough to match.
    velocity_smoothing: float = 0.5

    def __post_init__(self) -> None:
        checks = {
            "match_iou": 0.0 < self.match_iou <= 1.0,
            "max_centre_distance": self.max_centre_distance >= 0.0,
            "max_size_change": self.max_size_change >= 1.0,
            "history": self.history >= 1,
            "confirm_hits <= confirm_window": 1 <= self.confirm_hits <= self.confirm_window,
            "max_missed": self.max_missed >= 1,
            "coast_frames < max_missed": 0 <= self.coast_frames < self.max_missed,
            "velocity_smoothing": 0.0 <= self.velocity_smoothing < 1.0,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(f"invalid TrackerConfig values: {', '.join(bad)} (got {self})")
