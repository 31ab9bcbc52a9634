"""camdigits: real-time handwritten digit recognition for webcams, videos and photos."""

__version__ = "0.1.0"
