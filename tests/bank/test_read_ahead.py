"""The files of an import read ahead (``import_run.read_ahead``): the same files, in
the same order, with the same contents and refusals — in the user's language — as read in
turn, the next ones read by a thread or a process of its own, never more than ``ahead``
files ahead."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from backoffice import i18n
from backoffice.reports.bank import Movement, Statement, camt
from backoffice.services.bank import import_run
from backoffice.services.bank.formats import BankFileError, ParsedFile

IBAN = "FR7630006000011234567890189"
DAY = date(2027, 3, 1)


def _statement(number: int) -> bytes:
    movements = (Movement(1000 + number, DAY, f"REF{number:04d}", name="PAYEUR"),)
    statement = Statement(f"S{number}", IBAN, "AGRIFRPPXXX", "SERVICE", DAY, DAY, 0, movements)
    return camt.write([statement], "camt.053.001.08")


def _files(folder: Path) -> list[tuple[str, bytes | Path]]:
    on_disk = folder / "b.xml"
    on_disk.write_bytes(_statement(2))
    return [
        ("a.xml", _statement(1)),
        ("casse.xml", b"<Document><pas fini"),
        ("absent.xml", folder / "absent.xml"),  # cannot be read
        ("b.xml", on_disk),
    ]


def _summary(item: import_run.ReadFile) -> tuple[object, ...]:
    parsed = item.parsed
    if isinstance(parsed, ParsedFile):
        entries = [entry.amount_cents for part in parsed.statements for entry in part.entries]
        return (item.name, "read", entries, len(item.data))
    if isinstance(parsed, BankFileError):
        return (item.name, "refused", str(parsed), parsed.file_name)
    return (item.name, "unreadable", type(item.unreadable).__name__)


@pytest.fixture
def french() -> object:
    before = i18n.language()
    i18n.set_language("fr")
    yield
    i18n.set_language(before)


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize("reading", list(import_run.Reading))
def test_the_same_files_come_back_in_order_read_or_refused(
    reading: import_run.Reading, tmp_path: Path
) -> None:
    files = _files(tmp_path)
    read_in_turn = list(import_run.read_ahead(files))
    in_turn = [_summary(item) for item in read_in_turn]
    items = list(import_run.read_ahead(files, reading=reading))
    assert [_summary(item) for item in items] == in_turn
    # every field of every entry, where it is included, as read here (pickled by a process)
    assert [item.parsed for item in items[::3]] == [item.parsed for item in read_in_turn[::3]]
    assert [row[:2] for row in in_turn] == [
        ("a.xml", "read"),
        ("casse.xml", "refused"),
        ("absent.xml", "unreadable"),
        ("b.xml", "read"),
    ]
    assert "casse.xml : ce fichier n'est pas un relevé bancaire" in in_turn[1][2]  # French,
    # in the reading process too
    assert items[0].data == files[0][1]


@pytest.mark.parametrize("ahead", [1, 3])
def test_a_thread_reads_the_next_files_ahead_and_no_more(
    ahead: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_by: list[tuple[str, str]] = []
    real = import_run.read

    def recorded(name: str, data: bytes) -> ParsedFile:
        read_by.append((name, threading.current_thread().name))
        return real(name, data)

    monkeypatch.setattr(import_run, "read", recorded)
    files = [(f"{number}.xml", _statement(number)) for number in range(8)]
    seen = []
    for position, item in enumerate(
        import_run.read_ahead(files, reading=import_run.Reading.THREAD, ahead=ahead)
    ):
        seen.append(item.name)
        # while this one is imported, the reader reads the next ones, and no more
        expected = min(len(files), position + 1 + ahead)
        assert _read_soon(read_by, expected) == expected
    assert seen == [name for name, _data in files]
    assert [name for name, _thread in read_by] == seen
    assert threading.current_thread().name not in {thread for _name, thread in read_by}


def _read_soon(read_by: list[tuple[str, str]], count: int, seconds: float = 5.0) -> int:
    """How many files the reader has read once it had time to read ``count``."""
    deadline = time.monotonic() + seconds
    while len(read_by) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    return len(read_by)


@pytest.mark.parametrize(
    ("postgresql", "files", "frozen", "expected"),
    [
        (True, 1, False, import_run.Reading.IN_TURN),
        (True, 2, False, import_run.Reading.THREAD),
        (True, 250, False, import_run.Reading.PROCESS),
        (True, 250, True, import_run.Reading.THREAD),
        (False, 3, False, import_run.Reading.IN_TURN),
        (False, 250, False, import_run.Reading.PROCESS),
        (False, 250, True, import_run.Reading.IN_TURN),
    ],
)
def test_how_files_are_read_depends_on_the_database_and_their_number(
    postgresql: bool,
    files: int,
    frozen: bool,
    expected: import_run.Reading,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if frozen:
        monkeypatch.setattr(import_run.sys, "frozen", True, raising=False)
    assert import_run.reading_for(postgresql, files) is expected
