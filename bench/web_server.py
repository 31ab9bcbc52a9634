"""`camdigits serve` as a user starts it: a subprocess on a free port, stopped with Ctrl-C
(for bench.web and the web tests)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

STARTUP_S = 60  # importing FastAPI and loading the model; a loaded 2-core machine is slow
URL_LINE = re.compile(r"serving on (http://\S+/)")


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    startup: str  # what it printed up to its URL

    def stop(self, timeout: float = 20) -> tuple[int, str]:
        """Ctrl-C, as in a terminal; the exit code and what it printed on stderr after the URL."""
        self.process.send_signal(signal.SIGINT)
        _, rest = self.process.communicate(timeout=timeout)
        return self.process.returncode, rest


@contextmanager
def running_server(*args: str) -> Iterator[Server]:
    """``camdigits serve --port 0 ARGS`` until the block ends."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "camdigits", "serve", "--port", "0", *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    server = None
    try:
        deadline = time.monotonic() + STARTUP_S
        lines = []
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break  # it exited
            lines.append(line)
            if match := URL_LINE.search(line):
                server = Server(match.group(1), process, "".join(lines))
                break
        if server is None:
            raise RuntimeError(f"camdigits serve did not start: {''.join(lines)}")
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
