"""The files of an import read one ahead (``importing.read_ahead``): the same files, in
the same order, with the same contents and refusals as read in turn, the next one read
in a thread of its own, never more than one file ahead."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest

from backoffice.reports.bank import Movement, Statement, camt
from backoffice.services.bank import importing
from backoffice.services.bank.formats import BankFileError, ParsedFile

IBAN = "FR7630006000011234567890189"
DAY = date(2027, 3, 1)


def _statement(number: int) -> bytes:
    movements = (Movement(1000 + number, DAY, f"REF{number:04d}", name="PAYEUR"),)
    statement = Statement(f"S{number}", IBAN, "AGRIFRPPXXX", "SERVICE", DAY, DAY, 0, movements)
    return camt.write([statement], "camt.053.001.08")


def _files() -> list[tuple[str, bytes | None]]:
    return [
        ("a.xml", _statement(1)),
        ("casse.xml", b"<Document><pas fini"),
        ("illisible.xml", None),  # fetching it fails
        ("b.xml", _statement(2)),
    ]


def _sources(
    files: list[tuple[str, bytes | None]], fetched: list[tuple[str, str]]
) -> list[tuple[str, Callable[[], bytes]]]:
    def fetch(name: str, data: bytes | None) -> Callable[[], bytes]:
        def content() -> bytes:
            fetched.append((name, threading.current_thread().name))
            if data is None:
                raise PermissionError(13, "Permission non accordée", name)
            return data

        return content

    return [(name, fetch(name, data)) for name, data in files]


def _summary(item: importing.ReadFile) -> tuple[object, ...]:
    parsed = item.parsed
    if isinstance(parsed, ParsedFile):
        entries = [entry.amount_cents for st in parsed.statements for entry in st.entries]
        return (item.name, "read", entries)
    if isinstance(parsed, BankFileError):
        return (item.name, "refused", str(parsed))
    return (item.name, "unreadable", type(item.unreadable).__name__)


@pytest.mark.parametrize("ahead", [False, True])
def test_the_same_files_come_back_in_order_read_or_refused(ahead: bool) -> None:
    fetched: list[tuple[str, str]] = []
    items = list(importing.read_ahead(_sources(_files(), fetched), ahead=ahead))
    assert [_summary(item) for item in items] == [
        ("a.xml", "read", [1001]),
        ("casse.xml", "refused", str(items[1].parsed)),
        ("illisible.xml", "unreadable", "PermissionError"),
        ("b.xml", "read", [1002]),
    ]
    assert "casse.xml" in str(items[1].parsed)
    assert items[0].data == _statement(1)
    here = threading.current_thread().name
    threads = {thread for _name, thread in fetched}
    assert (here not in threads) if ahead else (threads == {here})


def test_ahead_reads_one_file_ahead_and_no_more() -> None:
    fetched: list[tuple[str, str]] = []
    files = [(f"{number}.xml", _statement(number)) for number in range(6)]
    seen = []
    for position, item in enumerate(
        importing.read_ahead(_sources(list(files), fetched), ahead=True)
    ):
        seen.append(item.name)
        assert len(fetched) <= position + 2  # this file and the next, not more
    assert seen == [name for name, _data in files]
    assert [name for name, _thread in fetched] == seen
