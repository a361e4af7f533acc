"""The one progress reporter of the long commands (on stderr, never mixed with results).

On a terminal, one line rewritten in place. Otherwise (a log file, a nightly job's mail),
a plain line per step — each new whole percent, or a new kind of step — with no escape
code, so that the log reads as text.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TextIO

from backoffice.services.progress import Progress

_DIGITS = re.compile(r"\d+")


class Reporter:
    def __init__(self, stream: TextIO | None = None, *, terminal: bool | None = None) -> None:
        self._stream = stream or sys.stderr  # the stderr of the moment (tests replace it)
        self._terminal = _is_terminal(self._stream) if terminal is None else terminal
        self._last: tuple[int, str] | None = None
        self._open_line = False

    def __call__(self, done: int, total: int, message: str) -> None:
        fraction = min(1.0, done / total) if total > 0 else 1.0
        if self._terminal:
            self._stream.write(f"\r[{fraction:>4.0%}] {message}\033[K")
            self._open_line = fraction < 1
            if not self._open_line:
                self._stream.write("\n")
        else:
            # Same percent and the same kind of message (its numbers aside): no new line.
            key = (int(fraction * 100), _DIGITS.sub("#", message))
            if key == self._last:
                return
            self._last = key
            self._stream.write(f"[{fraction:>4.0%}] {message}\n")
        self._stream.flush()

    def close(self) -> None:
        """End a line left open on a terminal (the work stopped before 100 %)."""
        if self._open_line:
            self._stream.write("\n")
            self._stream.flush()
            self._open_line = False


def reporter(args: argparse.Namespace) -> Reporter | None:
    """The command's reporter, or None with ``--quiet``."""
    return None if getattr(args, "quiet", False) else Reporter()


def progress(args: argparse.Namespace) -> Progress:
    """A :class:`Progress` reporting on stderr (silent with ``--quiet``)."""
    return Progress(reporter(args))


def fraction_reporter(args: argparse.Namespace) -> Callable[[float, str], None] | None:
    """For work that reports a fraction rather than steps (the demo)."""
    report = reporter(args)
    if report is None:
        return None
    return lambda fraction, message: report(round(fraction * 1000), 1000, message)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
