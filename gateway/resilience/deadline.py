"""The request deadline: how long one GraphQL request may spend on back ends.

The HTTP layer opens a deadline per request; every back-end call made for it — in loaders,
in background tasks they spawn — sees the same absolute deadline through a context variable
and never waits past it::

    with request_deadline(5.0):
        ...                     # remaining() counts down from 5.0
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["remaining", "request_deadline"]

_deadline: ContextVar[float | None] = ContextVar("commerce_gateway_deadline", default=None)


@contextmanager
def request_deadline(seconds: float | None) -> Iterator[None]:
    """Give the code inside (and tasks it starts) ``seconds`` from now."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current request's deadline; ``None`` when there is none."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()
