"""Word context: digits in a run of writing made mostly of letters are dropped."""

import pytest

from bench.field.scene import render
from camdigits.config import (
    CONTEXT_MIN_CONFIDENCE,
    CONTEXT_SMALL_MIN_CONFIDENCE,
    CONTEXT_SURE_DIGITS,
    GRAINY_RUN,
    MAX_OVERLAP,
    WORD_MIN_TRAVEL,
    Config,
)
from camdigits.recognition import candidates, context, recognizer
from camdigits.recognition.candidates import Word
from camdigits.recognition.context import (
    drop_text,
    in_runs_of_digits,
    is_page_of_digits,
    letter_weights,
    read_in_context,
    without_only_ones,
    without_short_lone_ones,
)
from camdigits.recognition.normalise import PageTilt
from camdigits.recognition.recognizer import Recognizer
from camdigits.types import Digit, Number
from tests.pages import blank_page, first_of_each_label, mnist_test, page_with_row, write_digit

CONFIG = Config()
H, W, GAP = 40, 24, 8  # px: one glyph's height and width, and the gap inside a word


def boxes(count, x=10, y=100):
    return [(x + i * (W + GAP), y, W, H) for i in range(count)]


def run_of(heights, y_bottom=100 + H, centred=False):
    """Boxes side by side with these heights, their bottoms on one baseline (or their
    centres on one line)."""
    boxes = []
    for i, height in enumerate(heights):
        top = y_bottom - (H + height) // 2 if centred else y_bottom - height
        boxes.append((10 + i * (W + GAP), top, W, height))
    return boxes


def digits_at(box_list, label=8, confidence=0.95):
    return [Digit(label=label, confidence=confidence, box=box) for box in box_list]


@pytest.mark.parametrize(
    "digit_boxes, letter_boxes, kept",
    [
        ([], [], 0),
        ([], boxes(5), 0),
        (boxes(3), [], 3),  # a number alone
        # "every" read as e(8) v e(8) r y(4): three digits, two letters -> digits win; the
        # e between v and r stays, as the run's two other digits are as many as its letters
        # (so does the 1 of "4?1?4", a number with two digits misread as no digit)
        (boxes(5)[::2], boxes(5)[1::2], 3),
        # "lesson" read as 1 e 5 5 0 n: the 5 5 0 between e and n stand inside a word, as
        # the run's one other digit is fewer than its two letters; that 1, a letter's gap
        # from the e, is the word's too
        ([boxes(6)[0]] + boxes(6)[2:5], [boxes(6)[1], boxes(6)[5]], 0),
        # "ROOM 7" with both O read as 0, the 7 a word space after the M: the 0 0 inside
        # the word go, the 7 stays
        (boxes(4)[1:3] + [(10 + 4 * (W + GAP) + H // 2, 100, W, H)], boxes(4)[::3], 1),
        # "Sugar" read as 5 u 9 2 r: the 9 2 inside the word go, and so does the 5, a
        # letter's gap from the u
        ([boxes(5)[0], *boxes(5)[2:4]], [boxes(5)[1], boxes(5)[4]], 0),
        # "7 ROOM", the 7 a word space before the R: it stays
        ([(10 - H // 2 - W, 100, W, H)] + boxes(4)[1:3], boxes(4)[::3], 1),
        # "Harvey" with e and y read as digits: four letters, two digits -> text
        (boxes(6)[4:], boxes(6)[:4], 0),
        # a lone O next to digits ("2O26" read with the O unsure) stays a number
        (boxes(4)[:1] + boxes(4)[2:], boxes(4)[1:2], 3),
        # two blobs are too few to call a word: a digit beside one unsure blob stays
        (boxes(2)[:1], boxes(2)[1:], 1),
        # a word far to the left (a space of 2 heights) does not take the number with it
        (boxes(3, x=10 + 6 * (W + GAP) + 2 * H), boxes(6), 3),
        # a word on another line does not either
        (boxes(3), boxes(6, y=300), 3),
        # "Room" with both o read as 0: as many letters as digits -> text
        (boxes(4)[1:3], boxes(4)[::3], 0),
        # "call": a joined-up "ca" two heights wide counts as two letters beside l l (1 1)
        ([(10 + 2 * H + GAP, 100, 8, H), (10 + 2 * H + 2 * GAP + 8, 100, 8, H)], [(10, 100, 2 * H, H)], 0),
        # "Dinner": a D read as 0 before a joined-up "inner" four heights wide is a letter
        (boxes(1), [(10 + W + GAP, 100, 4 * H, H)], 0),
        # a digit beside a blob two heights wide (two touching digits, unsplit) stays
        (boxes(1), [(10 + W + GAP, 100, 2 * H, H)], 1),
    ],
    ids=[
        "empty",
        "only-letters",
        "number",
        "every",
        "lesson",
        "room-7",
        "sugar",
        "7-room",
        "harvey",
        "lone-O",
        "two-blobs",
        "word-then-space",
        "other-line",
        "room",
        "joined-up",
        "capital-then-joined-up",
        "beside-a-touching-pair",
    ],
)
def test_drop_text(digit_boxes, letter_boxes, kept):
    digits = digits_at(digit_boxes)
    result = drop_text(digits, letter_boxes, CONFIG)
    assert len(result) == kept
    assert all(d in digits for d in result)


@pytest.mark.parametrize(
    "labels, kept",
    [
        ([1, 1, 1, 1], 0),  # four strokes and nothing else: lines, not writing
        ([1] * 22, 0),
        ([1, 1, 1], 3),  # "111" is written
        ([1, 1, 1, 1, 7], 5),  # one other digit: a page of digits
        ([], 0),
    ],
)
def test_a_frame_of_only_ones_holds_no_writing(labels, kept):
    digits = [Digit(label=label, confidence=0.99, box=box) for label, box in zip(labels, boxes(len(labels)))]
    assert without_only_ones(digits) == (digits if kept else [])


def test_needs_word_min_blobs():
    from dataclasses import replace

    digit_boxes, letter_boxes = boxes(3)[:1], boxes(3)[1:]  # one digit, two letters
    assert drop_text(digits_at(digit_boxes), letter_boxes, CONFIG) == []
    assert len(drop_text(digits_at(digit_boxes), letter_boxes, replace(CONFIG, word_min_blobs=4))) == 1


SHORT = int(0.6 * H)  # an x-height letter beside ascenders of height H


def test_x_height_letters_read_as_digits_beside_ascenders_are_text():
    # "total" with o, a and l read as 0, 2, 1 and the t's as letters: three digits, two
    # letters, but o and a stand at x-height beside t, t and l, so they count as letters.
    t1, o, t2, a, ell = run_of((H, SHORT, H, SHORT, H))
    assert drop_text(digits_at([o, a, ell]), [t1, t2], CONFIG) == []


@pytest.mark.parametrize(
    "digit_boxes, label, letter_boxes",
    [
        # "Total" at 720p with o, a and l read as 0, 2, 1: the T stands at 0.82 of the l's
        # height, the t at 0.74; with the T an ascender beside the l, o and a count as letters.
        (
            [(83, 161, 19, 30), (127, 162, 17, 30), (148, 142, 5, 50)],
            8,
            [(59, 151, 23, 41), (104, 155, 21, 37)],
        ),
        # "kitchen" at 720p: the i's stem, read as a 1, lies under the box of its dot joined
        # to the t, which starts at the stem's left edge. Runs are ordered by centre, so the
        # stem links to that blob; ordered by left edge, it came after it and stood alone.
        (
            [(42, 410, 4, 17)],
            1,
            [(20, 388, 16, 43), (42, 390, 28, 43), (75, 411, 12, 19), (91, 392, 15, 39)],
        ),
    ],
    ids=["Total-capital-is-an-ascender", "kitchen-dotted-i-in-its-word"],
)
def test_measured_words_are_text(digit_boxes, label, letter_boxes):
    assert drop_text(digits_at(digit_boxes, label=label), letter_boxes, CONFIG) == []


def test_x_height_needs_the_baseline_or_the_x_line():
    # The same heights centred on a line, as digits of unequal size in a number stand: the
    # short ones neither stand on the baseline nor hang from the tall ones' tops.
    t1, o, t2, a, ell = run_of((H, SHORT, H, SHORT, H), centred=True)
    assert len(drop_text(digits_at([o, a, ell]), [t1, t2], CONFIG)) == 3


def test_x_height_letters_under_descenders_are_text():
    # "gray" with g, a and y read as 9, 0 and 4 and the r as a letter: three digits, one
    # letter, but r and a hang from the x-line where the descenders g and y start.
    g, r, a, y = ((10 + i * (W + GAP), 100, W, height) for i, height in enumerate((H, SHORT, SHORT, H)))
    assert drop_text(digits_at([g, a, y]), [r], CONFIG) == []


def test_one_tall_blob_does_not_make_its_neighbours_x_height():
    # Two digits merged across lines make one blob twice as tall beside a number: it is one
    # unsure blob, not a word's ascenders, and the number stays.
    merged, *number = run_of((2 * H, H, H, H))
    assert len(drop_text(digits_at(number), [merged], CONFIG)) == 3


def test_x_height_letters_far_shorter_than_the_capital_beside_them_are_text():
    # "Date" with D and t read as 0 and 1, the a cut into a 0 and a 1 at 0.4 of the D's
    # height, the e a letter: linked as a number's digits are (heights within half of each
    # other), the D and the a's halves stood apart, and 0 and 1 were kept twice over.
    d, a_bowl, a_stem, t, e = run_of((H, int(0.4 * H), int(0.38 * H), H, int(0.4 * H)))
    assert drop_text(digits_at([d, a_bowl, a_stem, t]), [e], CONFIG) == []


def test_a_number_beside_a_heading_number_stays():
    # A heading number 2.5 times as tall with smaller digits written beside it on its
    # baseline, and an unsure blob after them: two sizes side by side, not a word's
    # ascenders and x-height letters.
    small = int(0.4 * H)
    *heading, s1, s2, s3, s4, unsure = run_of((H, H, small, small, small, small, small))
    assert len(drop_text(digits_at([*heading, s1, s2, s3, s4]), [unsure], CONFIG)) == 6


def test_x_height_digits_after_two_ascenders_are_still_letters():
    # "Bloom" with B, l, o, o read as 8, 1, 0, 0 and the m a letter: the o's stand at 0.6 of
    # the B's height, as a number's digits linked to it could, so they are no second size.
    b, ell, o1, o2, m = run_of((H, H, int(0.6 * H), int(0.6 * H), int(0.6 * H)))
    assert drop_text(digits_at([b, ell, o1, o2]), [m], CONFIG) == []


def test_a_word_read_as_digits_only_is_text_beside_a_letter_elsewhere():
    # "Date" read as 0 0 1 8: the a and e at x-height count as letters once the frame has one.
    run = run_of((H, int(0.6 * H), H, int(0.6 * H)))
    assert drop_text(digits_at(run), [(600, 400, 20, 20)], CONFIG) == []


def test_a_number_with_a_small_digit_stays():
    # A small digit among digits of full height, no letter: still a number.
    assert len(drop_text(digits_at(run_of((H, SHORT, H))), [], CONFIG)) == 3


@pytest.mark.parametrize(
    "sure, unsure_confidence, sure_digits, read",
    [
        ([0, 2, 3], 0.6, 2, True),  # a faint 3 in "2036": linked to three sure digits
        ([0, 2], 0.6, 2, True),  # two sure digits in its run are enough
        ([0], 0.6, 2, False),  # one sure digit beside it: as likely a letter beside a digit ...
        ([0], 0.6, 1, True),  # ... but on a page of digits, a digit of its number
        ([0, 2, 3], 0.4, 1, False),  # read too unsurely for context to vouch for it
        ([], 0.6, 1, False),  # no digit near it
    ],
)
def test_an_unsure_digit_is_read_in_a_run_of_sure_digits(sure, unsure_confidence, sure_digits, read):
    row = boxes(4)
    unsure = digits_at([row[1]], label=3, confidence=unsure_confidence)
    digits, letters = read_in_context(digits_at([row[i] for i in sure]), unsure, CONFIG, sure_digits)
    assert (unsure[0] in digits) == read
    assert letters == ([] if read else [row[1]])
    assert len(digits) == len(sure) + read


def _labels_at(image, x: int, y: int, tolerance: int) -> list[int]:
    """The labels of the digits a fresh Recognizer reads in ``image`` whose boxes' top left
    corners stand within ``tolerance`` px of (``x``, ``y``)."""
    digits = Recognizer().recognize(image).digits
    return [d.label for d in digits if abs(d.box[0] - x) <= tolerance and abs(d.box[1] - y) <= tolerance]


@pytest.mark.parametrize(
    "width, height, read",
    [
        (8, 11, False),  # a speck
        (10, 11, False),
        (12, 12, True),
        (10, 16, True),  # small writing on a mixed-size page
        (12, 20, True),
        (17, 16, False),  # wider than tall
        (10, 21, False),  # taller than small writing: the usual bar
        (14, 22, False),
    ],
)
def test_a_small_unsure_digit_needs_a_lower_bar_in_a_run_of_sure_digits(width, height, read):
    """At the small bar (off a ruled or squared page) a blob CONTEXT_SMALL_PX tall and no wider
    than tall, read 0.35 surely, is a digit between two sure digits; the bar of every other
    blob (0.5) leaves it out."""
    sure = [Digit(2, 0.99, (100, 100, 10, 16)), Digit(7, 0.99, (126, 100, 10, 16))]
    unsure = Digit(4, 0.35, (113, 100 + 16 - height, width, height))
    for small_min_confidence, expected in ((CONTEXT_SMALL_MIN_CONFIDENCE, read), (CONTEXT_MIN_CONFIDENCE, False)):
        digits, letters = read_in_context(sure, [unsure], CONFIG, small_min_confidence=small_min_confidence)
        assert (unsure in digits) == expected
        assert letters == ([] if expected else [unsure.box])


def test_a_small_unsure_digit_on_a_field_page_is_read_in_its_number(monkeypatch):
    """Field mixed-size page 11 at 640x480 (bench.field): a 4 of the small writing, 10 x 16
    px, read 0.31 surely as a 4, in a number of sure digits. Off a ruled page it is read;
    with the bar of every other blob it is lost."""
    image = render("mixed_sizes", 11, (640, 480)).image
    assert _labels_at(image, 443, 41, 2) == [4]
    monkeypatch.setattr(recognizer, "CONTEXT_SMALL_MIN_CONFIDENCE", CONTEXT_MIN_CONFIDENCE)
    assert _labels_at(image, 443, 41, 2) == []


def test_an_unsure_digit_beside_one_sure_digit_on_a_page_of_digits_is_read(monkeypatch):
    """Field mixed-size page 8 at 720p (bench.field): "91", 21 px tall, its 1 hooked at the
    top and read 0.55. On a page of digits one sure digit in its run is enough; with the
    two that other pages need, the 1 is lost."""
    image = render("mixed_sizes", 8, (1280, 720)).image
    assert _labels_at(image, 1115, 579, 3) == [1]
    monkeypatch.setattr(recognizer, "PAGE_OF_DIGITS_SURE_DIGITS", CONTEXT_SURE_DIGITS)
    assert _labels_at(image, 1115, 579, 3) == []


def test_an_unsure_digit_on_another_line_is_not_read():
    sure = digits_at(boxes(3))
    (far,) = digits_at([(10, 300, W, H)], label=3, confidence=0.65)  # five heights below the number
    digits, letters = read_in_context(sure, [far], CONFIG)
    assert digits == sure
    assert letters == [far.box]


# The MNIST test digits, of the first 3000, that the recognizer reads as themselves only
# 0.5-0.7 surely (the mean of its readings of an unsure blob, see Recognizer.probabilities),
# written alone at 40 px: with min_confidence 0.5 they read as themselves, with the default
# not at all. (An earlier network's list held 1878 and not 956, 1156 and 1790.)
UNSURE_DIGITS = [610, 956, 1156, 1247, 1260, 1328, 1368, 1393, 1403, 1437, 1790, 2074]


def test_an_unsure_mnist_digit_is_read_between_two_sure_ones():
    """Alone, none of them is read (below the 0.7 a digit needs); between a 2 and a 7 of
    the same height, at least 6 of the 12 are, as a three-digit number (7 measured)."""
    _, labels = mnist_test()
    two, seven = (first_of_each_label()[d] for d in (2, 7))
    recognizer = Recognizer()
    read = 0
    for index in UNSURE_DIGITS:
        alone = blank_page()
        write_digit(alone, index, 300, 200, 40)
        assert recognizer.recognize(alone).digits == ()
        page, _ = page_with_row([two, index, seven], height=40, gap=0.4, x=200, y=200)
        read += [n.text for n in recognizer.recognize(page).numbers] == [f"2{labels[index]}7"]
    assert read >= 6


def test_grainy_blobs_are_digits_only_in_runs_of_digits():
    """A grainy blob (the grain check's doubt) is in a run when GRAINY_RUN blobs, sure digits
    and grainy ones together, link as a number's digits do: beside too few, or on another
    line, it is not."""
    row = boxes(GRAINY_RUN + 2)
    sure, grainy = digits_at(row[: GRAINY_RUN - 1]), digits_at(row[GRAINY_RUN - 1 : GRAINY_RUN])
    assert in_runs_of_digits(sure, grainy, CONFIG) == [0]
    assert in_runs_of_digits(sure[1:], grainy, CONFIG) == []
    assert in_runs_of_digits([], digits_at(row[:GRAINY_RUN]), CONFIG) == list(range(GRAINY_RUN))
    assert in_runs_of_digits(sure, digits_at([(10, 300, W, H)]), CONFIG) == []
    assert in_runs_of_digits(sure, [], CONFIG) == []


def test_a_joined_up_word_counts_its_letters_by_its_x_height():
    """ "b" + "read": a digit beside a joined-up word 2.2 of its whole height wide (its d's
    ascender) but 4.4 of its x-height band: counted by its whole height, two letters make no
    run of writing with the digit; by its x-height, four letters do."""
    b = (10, 100, W, H)
    read = (10 + W + GAP, 100, int(2.2 * H), H)
    assert len(drop_text(digits_at([b], label=6), [read], CONFIG)) == 1
    assert drop_text(digits_at([b], label=6), [], CONFIG, [Word(read, H // 2)]) == []


X_HIGH = int(0.72 * H)  # an x-height letter of a print-like hand, above X_HEIGHT of its ascenders


@pytest.mark.parametrize(
    ("label", "letters_at", "heights", "kept"),
    [
        # "little" read as 1 1 tt 1 e: three ones weigh as much as 1.5 digits
        (1, [2, 4], [H, H, H, H, X_HIGH], 0),
        (0, [2, 4], [H, X_HIGH, H, X_HIGH, H], 0),  # a word's o's read as 0s, as many letters between them
        (7, [2, 4], [H, H, H, H, X_HIGH], 3),  # three sevens outweigh two letters
        (1, [2], [H, H, H, H, X_HIGH], 4),  # one blob not read as a digit among ones: a number
        # a number at one height with two digits unread ("1 0 7 1 7", its crossed sevens unread)
        (1, [2, 4], [H] * 5, 3),
        (0, [1, 2], [H] * 5, 3),
    ],
)
def test_ones_and_zeros_weigh_less_among_letters(label, letters_at, heights, kept):
    """A run of five blobs of these ``heights`` whose digits read as ``label`` and whose blobs
    at ``letters_at`` are letters: ones and zeros, written as l, I, i, O and o are, count half
    a digit each where two or more of the run's blobs are letters (LETTERLIKE_WEIGHT,
    LETTERLIKE_AMONG) and its blobs stand at two heights, as a word's do."""
    run = run_of(heights)
    digits = digits_at([box for k, box in enumerate(run) if k not in letters_at], label=label)
    assert len(drop_text(digits, [run[k] for k in letters_at], CONFIG)) == kept


@pytest.mark.parametrize(
    ("label", "letter_size", "elsewhere", "kept"),
    [
        (1, (2 * H, H), [], 0),  # "tota l": a joined-up piece two letters wide and its l read as 1
        (0, (2 * H, H), [], 0),  # "AN D", the D read as 0
        (1, (W, H), boxes(4, y=300), 0),  # a letter and a 1, with more words on the page
        (1, (W, 2 * H // 5), boxes(4, y=300), 0),  # an x-height letter 0.4 of the l's height ("al")
        (7, (2 * H, H), [], 1),  # a seven is no letter a reader writes as a digit
        (1, (W, H), [], 1),  # one letter and one digit: no page of writing
        (1, (5 * H // 2, 5 * H // 2), boxes(4, y=300), 1),  # a one beside a drawn box 2.5 times its height
    ],
)
def test_a_one_or_zero_beside_a_single_letter_on_a_page_of_writing_is_a_letter(label, letter_size, elsewhere, kept):
    """A digit read as ``label`` after one letter blob of ``letter_size`` standing on its line
    (a run too short to be judged), on a page whose other blobs are the letters ``elsewhere``:
    where its letters weigh TEXT_PAGE times its digits or more, a one or a zero there is a
    word's l or o, unless the letter is over twice the digit's height."""
    width, height = letter_size
    letter = (10, 100 + H - height, width, height)
    digit = (10 + width + GAP, 100, W, H)
    assert len(drop_text(digits_at([digit], label=label), [letter, *elsewhere], CONFIG)) == kept


@pytest.mark.parametrize(
    ("label", "digits_elsewhere"),
    [
        (1, boxes(3, y=300)),  # a number on the next line: a page of digits
        (0, boxes(1, y=300)),  # one digit more: the letters weigh as much as the digits
    ],
)
def test_a_one_or_zero_beside_one_unread_blob_on_a_page_of_digits_stays(label, digits_elsewhere):
    """A one or a zero beside one unread blob, as a number's digit stands beside an unread one
    of its number, on a page whose digits the letters do not outweigh TEXT_PAGE times: kept."""
    letter, digit = boxes(2)
    digits = digits_at([digit], label=label) + digits_at(digits_elsewhere, label=3)
    assert len(drop_text(digits, [letter], CONFIG)) == len(digits)


X_LETTER = int(0.8 * H)  # the e and s of "eggs" beside its g's, which hang a quarter of that under them


@pytest.mark.parametrize(
    ("label", "e_box", "kept"),
    [
        (9, (10, 100, W, X_LETTER), 0),  # "eggs" read as e 9 9 5: the g's hang under the e
        (4, (10, 100, W, X_LETTER), 0),  # a y read as 4 hangs as a g does
        (7, (10, 100, W, X_LETTER), 3),  # a seven is no letter a reader writes below the line
        (9, (10, 100 + H - X_LETTER, W, X_LETTER), 3),  # an unread blob on the nines' line: a number
        (9, (10, 100 - 4, W, X_LETTER), 3),  # a shorter unread digit standing above the nines' tops
        (9, (10, 100, 8, X_LETTER), 3),  # a sliver of a broken digit sets no x-height
    ],
)
def test_nines_and_fours_hanging_below_the_letters_line_are_letters(label, e_box, kept):
    """A run of an unread blob (``e_box``), two blobs read as ``label`` as tall as H with their
    tops at y 100, and a 5 as tall as an x-height letter: the two are a g's or a y's
    descenders (DESCENDER_LABELS) only when their tops stand level with the letter's, their
    feet DESCENT of its height or more under its foot, and the letter is as wide as an e."""
    g1, g2 = (10 + (W + GAP), 100, W, H), (10 + 2 * (W + GAP), 100, W, H)
    s = (10 + 3 * (W + GAP), 100, W, X_LETTER)
    digits = digits_at([g1, g2], label=label) + digits_at([s], label=5)
    assert len(drop_text(digits, [e_box], CONFIG)) == kept


@pytest.mark.parametrize(
    ("c_height", "tall_label", "with_letter", "kept"),
    [
        (X_HIGH, 1, True, 0),  # "Call" read as C 2 1 1: the a stands at x-height beside the l's
        (H, 1, True, 0),  # ... with a capital as tall as the l's
        (X_HIGH, 7, True, 3),  # beside two sevens, a 2 at 0.72 of their height is a number's digit
        (X_HIGH, 1, False, 3),  # "2 1 1" with no letter beside it stays a number
    ],
)
def test_a_digit_at_three_quarters_of_two_ones_beside_a_letter_is_text(c_height, tall_label, with_letter, kept):
    """A blob read as 2 at 0.72 of the height of the two blobs read as ``tall_label`` after
    it, all on one baseline, and a capital ``c_height`` tall before them if ``with_letter``:
    the 2 stands at x-height (X_HEIGHT_BESIDE_ONES, over X_HEIGHT) only where the tall blobs
    are ones, as a word's l's are read, and letters."""
    c, a, l1, l2 = run_of((c_height, X_HIGH, H, H))
    digits = digits_at([a], label=2) + digits_at([l1, l2], label=tall_label)
    assert len(drop_text(digits, [c] if with_letter else [], CONFIG)) == kept


def test_a_number_beside_one_tall_one_and_an_unread_digit_stays():
    # "8 1 4" on squared paper, its 4 unread and the 8 at 0.73 of the one's height: one one is
    # no pair of l's, and the 8 is a digit.
    eight, one, four = run_of((int(0.73 * H), H, int(0.9 * H)))
    digits = digits_at([eight], label=8) + digits_at([one], label=1)
    assert len(drop_text(digits, [four], CONFIG)) == 2


def test_letters_weigh_as_many_as_they_are_heights_wide():
    """An unread blob counts by its own height, a joined-up word by its x-height (not its
    box with its ascenders), each at least one letter."""
    letters = [(0, 0, 24, 40), (0, 0, 60, 20), (0, 0, 3, 30)]
    words = [Word((0, 0, 100, 40), x_height=20)]
    assert letter_weights(letters, words).tolist() == [1, 3, 1, 5]
    assert letter_weights([]).tolist() == []


@pytest.mark.parametrize(
    "digit_count, letters, words, expected",
    [
        (8, boxes(6), (), True),  # letters three quarters of the digits: a page of digits all the same
        (8, boxes(7), (), False),
        (12, boxes(4), [Word((0, 0, 100, 40), x_height=20)], True),  # 4 + 5 letters
        (11, boxes(4), [Word((0, 0, 100, 40), x_height=20)], False),
        (5, [], (), True),
        (4, [], (), False),  # a word alone, its letters read as digits: too few for a page
        (0, [], (), False),
    ],
)
def test_a_page_of_digits_holds_enough_digits_and_letters_weighing_at_most_three_quarters_of_them(
    digit_count, letters, words, expected
):
    assert is_page_of_digits(digit_count, letters, words) == expected


def _digits_in(condition: str, seed: int, region: tuple[int, int, int, int]) -> list[int]:
    """The labels a fresh recognizer reads, left to right, with boxes whose corner lies in
    ``region`` (x, y, w, h) of field scene ``condition`` ``seed`` at 640x480."""
    x, y, w, h = region
    digits = Recognizer().recognize(render(condition, seed, (640, 480)).image).digits
    inside = [d for d in digits if x <= d.box[0] < x + w and y <= d.box[1] < y + h]
    return [d.label for d in sorted(inside, key=lambda d: d.box[0])]


@pytest.mark.parametrize(
    "seed, region, false_digits",
    [(25008, (40, 260, 80, 40), [4]), (25019, (330, 60, 40, 40), [9])],
)
def test_touching_letters_off_a_page_of_digits_count_as_a_letter(seed, region, false_digits, monkeypatch):
    """Field pages of words at 640x480 (bench.field, seeds 25008 and 25019): the u of
    "Number" read as 4, the g of "garden" as 9, beside letters touching in a print hand
    ("mb", "ar"), blobs too wide for a digit whose ink travels 1.7-1.9 widths: under
    joined-up writing's WORD_MIN_TRAVEL, over LOOSE_WORD_MIN_TRAVEL. Off a page of digits
    each counts as a letter, and the run is a word; not counted, or counted only on a page of
    digits, the false digit is back."""
    assert _digits_in("words_only", seed, region) == []
    monkeypatch.setattr(recognizer, "_is_page_of_digits", lambda candidates, sure, words: True)
    assert _digits_in("words_only", seed, region) == false_digits
    monkeypatch.undo()
    monkeypatch.setattr(candidates, "LOOSE_WORD_MIN_TRAVEL", WORD_MIN_TRAVEL)
    assert _digits_in("words_only", seed, region) == false_digits


def test_a_loosely_joined_blob_weighs_one_letter():
    """A 2 with a long flat tail, 80 x 37 px, travels 1.7 widths (field letters among digits,
    page 49033 at 640x480): counted by its width it weighed two letters, and took the 8 and
    5 after it with it; as one letter, the 8 5 stays."""
    two, eight, five = (172, 206, 80, 37), (261, 206, 28, 39), (292, 212, 39, 35)
    number = digits_at([eight, five], label=8)
    assert drop_text(number, [], CONFIG, [Word(two, 37, loose=True)]) == number
    assert drop_text(number, [], CONFIG, [Word(two, 37)]) == []
    assert _digits_in("letters_digits", 49033, (250, 195, 100, 40)) == [8, 5]


def test_on_a_page_of_digits_letters_must_outweigh_the_digits():
    # Two digits and two unread blobs of one height: a word off a page of digits, where a tie
    # is text; digits on one, where unread blobs are as often digits read unsurely.
    run = boxes(4)
    digits, letters = digits_at(run[:2]), run[2:]
    assert drop_text(digits, letters, CONFIG) == []
    assert drop_text(digits, letters, CONFIG, page_of_digits=True) == digits


def test_a_number_beside_an_unread_blob_on_a_tilted_page_of_digits_stays(monkeypatch):
    """Field tilted ruled page 17 at 640x480 (bench.field): a 2 3 7 read at 1.00, 26, 25 and
    30 px tall, after an unread blob 36 px tall. The 3 stands at x-height beside two
    ascenders (the blob, the 7), so the run's letters (the blob, the 3) weigh as much as its
    digits (the 2, the 7): a tie, which off a page of digits loses the number. Read as it
    stands: turned level by the page's tilt (PageTilt.levelled), the blob reads as a 0 at 0.53."""
    monkeypatch.setattr(PageTilt, "levelled", lambda self, ink, box: ink)
    region = (55, 375, 70, 30)
    assert _digits_in("tilted_ruled", 17, region) == [2, 3, 7]
    off_a_page = recognizer.drop_text
    monkeypatch.setattr(
        recognizer,
        "drop_text",
        lambda digits, letters, config, words, page, *networks: off_a_page(digits, letters, config, words),
    )
    assert _digits_in("tilted_ruled", 17, region) == []


def _sugar():
    """ "sugar" at 640x480 (field letters among digits, page 29): s u g read as 5 4 9 at
    0.98-1.00, and the touching "ar" a loose word."""
    s, u, g, ar = (26, 193, 19, 16), (48, 195, 26, 16), (75, 200, 18, 32), (96, 199, 30, 15)
    digits = [Digit(5, 1.0, s), Digit(4, 0.98, u), Digit(9, 0.99, g)]
    return digits, [Word(ar, 15, loose=True)], (s, u, g)


def test_digits_the_letter_network_reads_as_letters_beside_a_word_are_its_letters():
    """The letter network reads the u and the g of "sugar" as letters (0.65, 0.76), the s as
    a digit (0.03): the g stands a letter's gap from the "ar", the u from the g, and three
    letters against one digit are a word. Without the network's reading, one letter stands
    against three digits: a number."""
    digits, words, (s, u, g) = _sugar()
    assert drop_text(digits, [], CONFIG, words) == digits
    assert drop_text(digits, [], CONFIG, words, read_as_letters=lambda boxes: {u, g} & set(boxes)) == []
    # The u alone is read as a letter: it stands beside digits only, and the run is a number.
    assert drop_text(digits, [], CONFIG, words, read_as_letters=lambda boxes: {u} & set(boxes)) == digits


def test_a_digit_read_as_a_letter_a_word_space_from_the_word_stays():
    """The "ar" moved 12 px to the right: 15 px from the g, within its run (a number's gap
    is 0.6 of the g's 32 px) but past a letter's gap (0.3 of it): the 5 4 9 are a number."""
    digits, words, (s, u, g) = _sugar()
    (ar,) = words
    apart = [Word((ar.box[0] + 12, *ar.box[1:]), ar.x_height, loose=True)]
    assert drop_text(digits, [], CONFIG, apart, read_as_letters=lambda boxes: {u, g}) == digits


def test_a_digit_read_as_a_letter_beside_an_unread_digit_stays():
    """ "9 8 8 6" after "order" (field letters among digits, page 36 at 640x480): the second 8
    is unread, the 6 read as a letter (0.83). An unread blob counts as a letter beside which a
    digit read as a letter is one only where the letter network reads it as a letter too."""
    nine, eight, unread, six = (460, 390, 22, 26), (493, 386, 25, 29), (523, 384, 20, 29), (547, 382, 27, 31)
    number = [Digit(9, 1.0, nine), Digit(8, 0.99, eight), Digit(6, 0.91, six)]
    assert drop_text(number, [unread], CONFIG, read_as_letters=lambda boxes: {six}) == number
    assert drop_text(number, [unread], CONFIG, read_as_letters=lambda boxes: {six, unread}) == []


def test_a_word_on_a_page_of_digits_is_three_letters_of_the_letter_network():
    """ "Name" among numbers (field letters among digits, page 78022 at 640x480): its N and m
    unread, read as letters by the letter network and as no digit by the digit network, its a
    read as 2 (0.94) and as a letter, its e cut into 6 3. On a page of digits the a is a
    letter beside them where the run holds three such letters. Two are too few (an unread
    "11" merged and the 6 after it, "116"), and an unread blob the digit network reads as a
    digit, however unsurely, is no such letter: there both are as often a number's digits."""
    n, a, m = boxes(3)
    e_left, e_right = (10 + 3 * (W + GAP), 100, 11, H), (22 + 3 * (W + GAP), 100, 11, H)  # the e cut in two
    digits = [Digit(2, 0.94, a), Digit(6, 0.96, e_left), Digit(3, 0.81, e_right)]

    def read(letters=(n, m), as_letters=(n, a, m), no_digit=lambda box: True):
        return drop_text(
            digits,
            list(letters),
            CONFIG,
            page_of_digits=True,
            read_as_letters=lambda asked: set(as_letters) & set(asked),
            no_digit=no_digit,
        )

    assert read() == []
    assert drop_text(digits, [n, m], CONFIG, page_of_digits=True) == digits  # no letter network
    assert read(no_digit=lambda box: False) == digits
    assert read(as_letters=(n, a)) == digits  # the m a digit to the letter network: two letters


def test_the_words_of_a_field_page_of_digits_are_no_digits(monkeypatch):
    """Field letters among digits, page 78022 at 640x480 (bench.field): numbers, and words in a
    print hand ("Name", "orange") whose letters the digit network reads surely as digits. With
    the letter network's three letters a run they are words; without, 2 6 3 and 0 2 9 6 2."""
    from bench.field.run import score_scene

    scene = render("letters_digits", 78022, (640, 480))

    def in_words(result) -> list[int]:
        name = [d.label for d in result.digits if d.box[0] < 140 and 240 <= d.box[1] <= 290]
        orange = [d.label for d in result.digits if 350 <= d.box[0] < 530 and 315 <= d.box[1] <= 360]
        return name + orange

    result = Recognizer().recognize(scene.image)
    assert in_words(result) == []
    counts = score_scene(result, scene)
    assert counts.hits >= 14 and counts.false_digits <= 3  # of 15 digits; "City" reads as 0 1 4
    monkeypatch.setattr(context, "PAGE_OF_DIGITS_WORD_LETTERS", 99)
    assert in_words(Recognizer().recognize(scene.image)) == [2, 6, 3, 0, 2, 9, 6, 2]


def test_ones_beside_a_letter_with_no_other_digit_in_their_run_are_its_letters():
    """ "Call" at 720p (field letters among digits, page 72016): the joined-up "Ca" unread,
    read as a letter by the letter network and as no digit by the digit network, its l l
    read as ones (1.00), 4 and 6 px after it. A stroke is an l or a one alike, but two ones
    and no other digit a letter's gap from a word's letters are that word's. Beside a blob
    the digit network reads as a digit, however unsurely (an odd 4 after "0 1"), a lone one
    beside such a blob, ones a word space from it and ones beside another digit stay."""
    ca, l1, l2 = (461, 272, 76, 53), (541, 273, 9, 52), (556, 273, 8, 52)
    ones = [Digit(1, 1.0, l1), Digit(1, 1.0, l2)]

    def read(digits, letters=(ca,), no_digit=lambda box: True):
        as_letters = lambda boxes: set(letters) & set(boxes)  # noqa: E731
        return drop_text(digits, list(letters), CONFIG, read_as_letters=as_letters, no_digit=no_digit)

    assert read(ones) == []
    zeros = [Digit(0, 1.0, l1), Digit(0, 1.0, l2)]  # "Coo": o's read as zeros
    assert read(zeros) == []
    assert read(ones, no_digit=lambda box: False) == ones  # "Ca" an unsure digit to the digit network
    # Beside it, ones the letter network reads as letters are letters all the same (_letters_beside_words).
    as_letters = lambda boxes: {ca, l1, l2} & set(boxes)  # noqa: E731
    assert drop_text(ones, [ca], CONFIG, read_as_letters=as_letters, no_digit=lambda box: False) == []
    on_a_page_of_digits = drop_text(ones, [ca], CONFIG, page_of_digits=True, read_as_letters=as_letters)
    assert on_a_page_of_digits == ones
    # The ones-and-zeros rule is off on a page of digits: there "Ca" is one letter, too few.
    only_ca = lambda boxes: {ca} & set(boxes)  # noqa: E731
    yes = lambda box: True  # noqa: E731
    assert drop_text(ones, [ca], CONFIG, page_of_digits=True, read_as_letters=only_ca, no_digit=yes) == ones
    assert drop_text(ones, [ca], CONFIG) == ones  # no letter network: one letter against two digits
    assert read(ones[:1]) == ones[:1]
    apart = [Digit(1, 1.0, (l1[0] + 30, *l1[1:])), Digit(1, 1.0, (l2[0] + 30, *l2[1:]))]
    assert read(apart) == apart  # 34 px after the "Ca": 0.6 of its height, a word space
    with_seven = [*ones, Digit(7, 1.0, (570, 273, 20, 52))]
    assert read(with_seven) == with_seven


def test_the_l_l_of_call_on_a_field_page_are_no_digits(monkeypatch):
    """Field letters among digits, page 72016 at 720p (bench.field): without the rule, the
    l l of "Call" read as 1 1 (the letter network reads only "Ca" as a letter); with it they
    are its letters, and the page reads 9 of its 10 digits and no false digit."""
    from bench.field.run import score_scene

    scene = render("letters_digits", 72016, (1280, 720))

    def in_call(result) -> list[int]:
        return [d.label for d in result.digits if 530 <= d.box[0] <= 570 and 260 <= d.box[1] <= 290]

    result = Recognizer().recognize(scene.image)
    assert in_call(result) == []
    counts = score_scene(result, scene)
    assert counts.hits >= 9 and counts.predicted == counts.hits
    monkeypatch.setattr(context, "_only_letterlike", lambda labels: False)
    assert in_call(Recognizer().recognize(scene.image)) == [1, 1]


def test_the_letters_of_sugar_on_a_field_page_are_no_digits():
    """Field letters among digits, page 29 at 640x480 (bench.field): without the letter
    network the s u g of "sugar" read as 5 4 9; with it they are the word's letters, and the
    page's other digits are read either way."""
    from dataclasses import replace

    scene = render("letters_digits", 29, (640, 480))
    with_letters = Recognizer().recognize(scene.image).digits
    without = Recognizer(config=replace(CONFIG, letter_network=False)).recognize(scene.image).digits
    x, y, w, h = 20, 185, 80, 40

    def in_sugar(digit):
        return x <= digit.box[0] < x + w and y <= digit.box[1] < y + h

    assert [d.label for d in without if in_sugar(d)] == [5, 4, 9]
    assert [d for d in without if not in_sugar(d)] == list(with_letters)
    assert len(with_letters) >= 15  # of its 17 digits, all 17 read


def test_a_digit_read_as_a_letter_beside_a_word_in_a_run_too_short_to_weigh_is_a_letter():
    """ "DAMP" (field letters among digits, page 25038 at 640x480): the D read as 0 at 1.00,
    and the letter network reads it as a letter (1.00), a letter's gap from the joined-up
    "AMP"; a run of two blobs is too short to be judged by its letters' weight, and the 0
    was read. Beside a digit instead of a word, it stays. (A number elsewhere keeps the frame
    from being a page of writing, where a 0 beside one letter is its o, as on that page.)"""
    d, amp = (18, 276, 15, 23), (34, 274, 57, 26)
    number = digits_at(boxes(3))
    zero = [Digit(0, 1.0, d)]
    assert drop_text(zero + number, [], CONFIG, [Word(amp, 26)]) == zero + number
    assert drop_text(zero + number, [], CONFIG, [Word(amp, 26)], read_as_letters=lambda boxes: {d}) == number
    seven = Digit(7, 1.0, (34, 274, 15, 26))
    with_seven = [*zero, seven, *number]
    far = [Word((400, 274, 57, 26), 26)]
    assert drop_text(with_seven, [], CONFIG, far, read_as_letters=lambda boxes: {d}) == with_seven


def test_the_o_under_the_bar_of_total_on_a_field_page_is_a_letter(monkeypatch):
    """ "Total" (field letters among digits, page 39 at 640x480): the T read as 7 (0.85),
    the o under its bar as 0 (1.00), then the joined-up "tal". Linked as a word's letters
    off a page of digits may overlap (WORD_MAX_OVERLAP), the o stands in the word's run and
    is a letter; held
    to a number's overlap, it stands in a run of its own and is read as a 0."""
    scene = render("letters_digits", 39, (640, 480))

    def in_total(digits):
        return [d.label for d in digits if 405 <= d.box[0] <= 490 and 10 <= d.box[1] <= 50]

    digits = Recognizer().recognize(scene.image).digits
    assert in_total(digits) == []
    monkeypatch.setattr(context, "WORD_MAX_OVERLAP", MAX_OVERLAP)
    held = Recognizer().recognize(scene.image).digits
    assert in_total(held) == [0]
    assert [d for d in held if not in_total([d])] == list(digits)  # the page's other digits alike


def _numbers(*groups: tuple[tuple[int, int], ...]) -> list[Number]:
    """Numbers of digits given as (label, height), each 0.9 sure, side by side."""
    numbers, x = [], 0
    for group in groups:
        digits = tuple(
            Digit(label, 0.9, (x + 20 * k, 100 - height, 12, height)) for k, (label, height) in enumerate(group)
        )
        x += 20 * len(group) + 60
        box = (digits[0].box[0], 100 - max(h for _, h in group), 20 * len(group), max(h for _, h in group))
        numbers.append(Number("".join(str(label) for label, _ in group), 0.9, box, digits))
    return numbers


def test_only_a_lone_one_under_half_the_pages_median_height_is_taken_for_a_grid_dash():
    """context.without_short_lone_ones: a one standing alone and under half the median
    height of the page's digits goes; a one of the page's height, a short one inside a
    number, a short lone seven, and the digits of a page of too few to judge stay."""
    page = _numbers(((3, 40), (8, 40)), ((1, 15),), ((1, 38),), ((4, 40), (1, 15)), ((7, 15),))
    kept = without_short_lone_ones(page)
    assert [n.text for n in kept] == ["38", "1", "41", "7"]
    assert kept[1].digits[0].box[3] == 38
    few = _numbers(((5, 40),), ((1, 12),))
    assert without_short_lone_ones(few) == few


def test_an_x_height_letter_at_a_third_of_its_ascenders_is_a_letter_off_a_page_of_digits():
    """ "table": its a (13 px, read as 0) stands at 0.32 of the t and b beside it (40 px),
    under Config.word_height_ratio (0.35). Off a page of digits it links to them all the
    same, and the run is text; on a page of digits a blob that short beside others is a
    tick or a dash, and it is not linked."""
    t, a, b, ell, e = (10, 100, 24, 40), (42, 127, 24, 13), (74, 100, 24, 40), (106, 100, 10, 40), (124, 126, 24, 14)
    zero = [Digit(0, 0.99, a)]
    assert drop_text(zero, [t, b, ell, e], CONFIG) == []
    assert drop_text(zero, [t, b, ell, e], CONFIG, page_of_digits=True) == zero
    assert a[3] < CONFIG.word_height_ratio * t[3]


def test_the_words_of_a_field_page_of_words_are_no_digits(monkeypatch):
    """Field words page 85024 at 640x480: "table" fell into two runs at its a (0.32 of the
    b's height), and the page read 5 false digits; linked down to 0.3 off a page of digits,
    none."""
    scene = render("words_only", 85024, (640, 480))
    assert Recognizer().recognize(scene.image).digits == ()
    monkeypatch.setattr(context, "WORD_HEIGHT_RATIO_OFF_DIGIT_PAGE", CONFIG.word_height_ratio)
    assert len(Recognizer().recognize(scene.image).digits) >= 3
