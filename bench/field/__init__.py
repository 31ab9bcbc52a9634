"""The field benchmark: camera-like scenes drawn by code independent of bench.scenes and train/.

Paper, ink, camera and layout are this package's own (see each module); the digits are MNIST
test digits re-drawn with its own pen model and digits from held-out handwriting fonts, the
words are held-out fonts too. Only the scoring (bench.metrics) is shared with bench.accuracy,
so both benchmarks count alike. Conditions and targets live in :mod:`bench.field.conditions`.
"""
