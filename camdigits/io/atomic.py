"""Output files that are whole or absent.

Each file is written under a temporary name beside its target, in the same folder (so the
final rename stays on one file system and is atomic), and renamed to the target only when
complete. A write that fails removes its temporary file, so a full disk leaves neither a
truncated file nor an empty one behind.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

# Errors that no later write on the same disk will escape: the run stops at the first.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})


def temporary_path(target: str | Path) -> Path:
    """A new hidden name beside ``target`` that keeps its suffix (encoders choose the format
    by it): out/photo.png -> out/.photo.1a2b3c.part.png."""
    target = Path(target)
    return target.with_name(f".{target.stem}.{secrets.token_hex(3)}.part{target.suffix}")


def write_bytes(target: str | Path, data: bytes | memoryview) -> None:
    """Write ``data`` to ``target`` through a temporary file renamed when complete.

    Raises:
        OSError: the write or the rename failed; nothing is left under either name.
    """
    temporary = temporary_path(target)
    try:
        with open(temporary, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def discard(path: str | Path) -> None:
    """Remove a temporary file, if it is there."""
    Path(path).unlink(missing_ok=True)
