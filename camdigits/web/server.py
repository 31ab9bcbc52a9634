"""Serving the app with uvicorn on a socket bound here, so a busy port is one clear error."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import webbrowser
from collections.abc import Callable

import uvicorn

from camdigits.errors import CamdigitsError
from camdigits.web.app import WebSettings, create_app

LOOPBACK_NAMES = ("localhost",)
# Seconds Ctrl-C waits for open requests and camera streams before closing them.
GRACEFUL_SHUTDOWN_S = 3
BROWSER_POLL_S = 0.05  # how often --open checks whether the server is up yet


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port).

    Raises:
        CamdigitsError: the address is in use or not one of this machine's.
    """
    try:
        return socket.create_server(
            (host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET, reuse_port=False
        )
    except OSError as error:
        raise CamdigitsError(
            f"cannot listen on {host}:{port} ({error.strerror or error})",
            "choose another --port, or a --host this machine has",
        ) from error


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(settings: WebSettings, host: str, port: int, open_browser: bool, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C (or SIGTERM); ``say`` prints the URL and warnings."""
    app = create_app(settings)  # first: a bad model is reported before the port is taken
    sock = bind(host, port)
    url = url_of(sock)
    if not is_loopback(host):
        say(
            f"warning: listening on {host}: anyone who can reach this machine can use the page and the API "
            "(there is no login); --host 127.0.0.1 keeps it on this machine"
        )
    config = uvicorn.Config(
        app,
        log_level="warning",
        ws_max_size=settings.max_upload_bytes,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        server_header=False,
    )
    server = uvicorn.Server(config)
    say(f"serving on {url} (Ctrl-C stops)")
    if open_browser:
        threading.Thread(target=open_when_up, args=(server, url), daemon=True).start()
    with sock:
        server.run(sockets=[sock])


def open_when_up(server: uvicorn.Server, url: str) -> None:
    while not server.started and not server.should_exit:
        time.sleep(BROWSER_POLL_S)
    if server.started:
        webbrowser.open(url)
