"""camdigits: real-time handwritten digit recognition for webcams, videos and photos."""

import os

from camdigits.config import Config

__version__ = "0.1.0"

# OpenCV's own limit on the pixels it decodes, read once when cv2 is imported, so it is set
# before any camdigits module imports cv2: images whose header Pillow cannot read are then
# refused by the decoder instead of allocated (OpenCV's default allows a gigapixel). A
# user who needs another limit can set the variable themselves.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(int(Config.max_megapixels * 1e6)))
