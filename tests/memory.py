"""Measuring how much memory a request makes the worker grow, without psutil: the peak
resident set (VmHWM in /proc/self/status) is reset (writing 5 to /proc/self/clear_refs) before
the call, and compared with the resident set before it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
MB = 1024 * 1024


def _status_kb(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    raise LookupError(name)


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_growth(call: Callable[[], T]) -> tuple[T, int]:
    """The call's result and how many bytes the process's resident set grew at its peak
    (the growth after the call where the peak cannot be reset)."""
    before = _status_kb("VmRSS")
    resettable = _reset_peak()
    result = call()
    after = _status_kb("VmHWM" if resettable else "VmRSS")
    return result, max(0, after - before) * 1024
