"""CPU time and memory of a process tree, from Linux's /proc."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["cpu_seconds", "memory_kib", "reset_peaks", "tree"]

PROC = Path("/proc")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (field 3 is index 0)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text.rsplit(")", 1)[1].split()


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int(_stat_fields(int(entry.name))[1])
                children.setdefault(parent, []).append(int(entry.name))
    return children


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, parents first."""
    children = _children()
    found = [pid]
    for member in found:
        found.extend(children.get(member, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` and its live descendants."""
    ticks = 0
    for member in tree(pid):
        with contextlib.suppress(OSError):
            fields = _stat_fields(member)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / CLK_TCK


def memory_kib(pid: int, field: str = "VmHWM") -> int:
    """A line of /proc/<pid>/status in KiB: ``VmHWM`` (peak RSS), ``VmRSS`` (current)."""
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise ValueError(f"no {field} in /proc/{pid}/status")


def reset_peaks(pid: int) -> None:
    """Start ``VmHWM`` again from the current RSS for the tree (Linux 4.0+; else a no-op)."""
    for member in tree(pid):
        with contextlib.suppress(OSError):
            (PROC / str(member) / "clear_refs").write_text("5")
