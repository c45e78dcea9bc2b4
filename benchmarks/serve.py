"""Serving an ASGI app for a benchmark: one process, loopback only, as fast as uvicorn goes."""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["serve_on_loopback"]


def serve_on_loopback(app: Any, port: int = 0, *, backlog: int = 2048) -> None:
    """Listen on 127.0.0.1:``port`` (0: a free one), print the port for the parent to
    read, then serve ``app`` (uvloop, httptools, no access log) until killed."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http="httptools",
        interface="asgi3",
        lifespan="off",
        access_log=False,
        log_level="warning",
        backlog=backlog,
    )
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(config).run(sockets=[sock])
