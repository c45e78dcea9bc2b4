"""A string that never prints.

Credentials travel through settings, logs and tracebacks; wrapping them keeps them out of
all three. Only the code that puts a credential on the wire calls :meth:`Secret.reveal`.

    >>> token = Secret("shpat_123")
    >>> token
    Secret('**********')
    >>> f"{token}"
    '**********'
    >>> token.reveal()
    'shpat_123'
"""

from __future__ import annotations

import hmac

__all__ = ["Secret"]


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", len(self._value)))

    def __bool__(self) -> bool:
        return bool(self._value)
