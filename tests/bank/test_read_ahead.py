"""The files of an import read one ahead (``import_run.read_ahead``): the same files, in
the same order, with the same contents and refusals — in the user's language — as read in
turn, the next one read by a thread or a process of its own, never more than one file
ahead."""

from __future__ import annotations

import threading
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
    in_turn = [_summary(item) for item in import_run.read_ahead(files)]
    items = list(import_run.read_ahead(files, reading=reading))
    assert [_summary(item) for item in items] == in_turn
    assert [row[:2] for row in in_turn] == [
        ("a.xml", "read"),
        ("casse.xml", "refused"),
        ("absent.xml", "unreadable"),
        ("b.xml", "read"),
    ]
    assert "casse.xml : ce fichier n'est pas un relevé bancaire" in in_turn[1][2]  # French,
    # in the reading process too
    assert items[0].data == files[0][1]


def test_a_thread_reads_one_file_ahead_and_no_more(monkeypatch: pytest.MonkeyPatch) -> None:
    read_by: list[tuple[str, str]] = []
    real = import_run.read

    def recorded(name: str, data: bytes) -> ParsedFile:
        read_by.append((name, threading.current_thread().name))
        return real(name, data)

    monkeypatch.setattr(import_run, "read", recorded)
    files = [(f"{number}.xml", _statement(number)) for number in range(6)]
    seen = []
    for position, item in enumerate(
        import_run.read_ahead(files, reading=import_run.Reading.THREAD)
    ):
        seen.append(item.name)
        assert len(read_by) <= position + 2  # this file and the next, not more
    assert seen == [name for name, _data in files]
    assert [name for name, _thread in read_by] == seen
    assert threading.current_thread().name not in {thread for _name, thread in read_by}


@pytest.mark.parametrize(
    ("postgresql", "files", "frozen", "expected"),
    [
        (True, 1, False, import_run.Reading.IN_TURN),
        (True, 2, False, import_run.Reading.THREAD),
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
