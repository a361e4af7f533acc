"""Draws for bulk generation: ``random.Random.choice`` and ``randint`` cost a microsecond
each (three Python calls deep), ``random()`` a twentieth of that, and the demo draws
millions of times. The results are as uniform as the demo needs."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of ``items``, each as likely."""
    return items[int(rng.random() * len(items))]


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer from ``low`` to ``high``, both included."""
    return low + int(rng.random() * (high - low + 1))
