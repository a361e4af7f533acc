"""The service's notion of time.

Timestamps are stored in UTC; business dates (due dates, effective dates, appointment days)
are those of the service's own time zone, Europe/Paris. Tests can pin the clock with
:func:`frozen`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SERVICE_TZ = ZoneInfo("Europe/Paris")

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return _frozen_at if _frozen_at is not None else datetime.now(UTC)


def today() -> date:
    """Today's date in the service's time zone."""
    return now().astimezone(SERVICE_TZ).date()


def local(moment: datetime) -> datetime:
    """``moment`` seen in the service's time zone."""
    return moment.astimezone(SERVICE_TZ)


def at_local(day: date, clock_time: time) -> datetime:
    """The UTC instant of a wall-clock time on a day in the service's time zone."""
    return datetime.combine(day, clock_time, tzinfo=SERVICE_TZ).astimezone(UTC)


def start_of_local_day(day: date) -> datetime:
    return at_local(day, time(0, 0))


def end_of_local_day(day: date) -> datetime:
    return start_of_local_day(day + timedelta(days=1))


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Pin :func:`now` to ``moment`` (aware) for the duration of the block."""
    global _frozen_at  # noqa: PLW0603 - a process-wide test seam, on purpose
    if moment.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen_at = _frozen_at, moment.astimezone(UTC)
    try:
        yield
    finally:
        _frozen_at = previous


@contextlib.contextmanager
def real_time() -> Iterator[None]:
    """Let :func:`now` follow the real clock inside the block, even within :func:`frozen`."""
    global _frozen_at  # noqa: PLW0603 - the counterpart of frozen()
    previous, _frozen_at = _frozen_at, None
    try:
        yield
    finally:
        _frozen_at = previous
