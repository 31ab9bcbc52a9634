"""Training for the camdigits model: MNIST plus camera-style augmentation plus "not a digit".

Run ``python -m train.train`` to train and export ``models/camdigits.tflite``; run
``python -m train.evaluate`` to measure a .tflite on the official MNIST test set.
TensorFlow is needed here only, never by the ``camdigits`` runtime.
"""
