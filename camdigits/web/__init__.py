"""``camdigits serve``: a local web page to draw, upload and use the browser's camera.

The app (:mod:`camdigits.web.app`) serves one static page and a small API on the same
:class:`camdigits.recognition.recognizer.Recognizer` as the command line, through a fixed pool of
worker threads (:mod:`camdigits.web.pool`). Needs the ``web`` extra:
``pip install "camdigits[web]"``.
"""
