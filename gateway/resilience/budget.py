"""A retry budget: retries may add at most ``ratio`` of the calls a back end would get anyway.

Each first attempt earns ``ratio`` of a retry, kept up to ``reserve``; each retry spends
one. However often a back end fails, it sees at most ``(1 + ratio) x`` the calls it would
see healthy (plus the small ``reserve``), so retries cannot multiply the load on a back
end that is already struggling.
"""

from __future__ import annotations

__all__ = ["RetryBudget"]


class RetryBudget:
    def __init__(self, *, ratio: float = 0.2, reserve: float = 10.0) -> None:
        self.ratio = ratio
        self.reserve = reserve
        self._balance = 0.0

    def earn(self) -> None:
        """A first attempt was made."""
        self._balance = min(self.reserve, self._balance + self.ratio)

    def spend(self) -> bool:
        """Take one retry if the budget holds one."""
        if self._balance >= 1.0:
            self._balance -= 1.0
            return True
        return False
