"""Benchmarks on a generated large database; each figure beside the raw library's speed
on the same work, as a ratio. Run with ``make bench`` (or ``python -m bench --help``)."""
