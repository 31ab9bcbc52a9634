"""Recognition: one frame in, its digits and numbers out; pure functions of arrays, apart
from the classifier (an interpreter). The stages, in the order a frame meets them:

1. ``threshold``: dark ink on light ground (boards inverted), then a local mean threshold
   into an ink mask;
2. ``rules``: ruled and squared paper, table lines, erased from the mask at any angle;
3. ``texture``: masks that are mostly ink (noise, grain, pictures) cleared;
4. ``candidates``: blobs of a digit's height, aspect and ink density, each with its own ink;
5. ``normalise``: each candidate as a 28x28 MNIST-style patch, as in training;
6. ``classify``: all patches of a frame in one call to the network; ``styles`` reads a page
   whose sevens are crossed as one whose ones are flagged;
7. ``split``: wide, unsure blobs tried as two touching digits;
8. ``context``: runs of writing with more letters than digits dropped as text; blobs the
   grain check doubted read as digits in lines of digits;
9. ``numbers``: digits grouped into numbers in reading order.

``recognizer`` composes them (:class:`~camdigits.recognition.recognizer.Recognizer`);
``geometry`` finds the pairs of boxes that may touch, for candidates and numbers.
"""
