"""Importing many bank files, as the command line does: each file read ahead while the
previous one is imported (:func:`read_ahead`), and committed with the others of the last
second (:func:`import_each`).

A refused file is refused before anything of it is written (``importing``), the others
are kept; a file's result
is handed over once it is committed. An import interrupted leaves at most the last
second's files out, and running it again imports them (``importing``: nothing twice).
Committing every file on its own cost SQLite a tenth of the year's import (250
statements: 250 commits, each writing the pages it changed again). On SQLite the log is
copied back into the database by another thread after each commit (``checkpoints``): no
commit waits for it.
"""

from __future__ import annotations

import enum
import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from backoffice import checkpoints, i18n
from backoffice.db import Database
from backoffice.services import identity as identity_service
from backoffice.services.bank import matching
from backoffice.services.bank.formats import BankFileError, ParsedFile, read
from backoffice.services.bank.importing import BankImportRefused, ImportOutcome, import_files
from backoffice.services.billing.bulk_rows import collector_sparing_what_exists
from backoffice.services.permissions import Actor

READ_AHEAD = 8  # files read ahead of the one imported
COMMIT_EVERY = 1.0  # seconds: how long a workstation may wait for the import's locks


@dataclass(frozen=True)
class ReadFile:
    """A file of an import as :func:`read_ahead` hands it over: its content and what
    ``formats.read`` made of it, or why it could not be read (``OSError``) or is not a
    statement we read (``BankFileError``)."""

    name: str
    data: bytes
    parsed: ParsedFile | BankFileError | None
    unreadable: OSError | None = None


class Reading(enum.Enum):
    """How :func:`read_ahead` reads the files of an import."""

    IN_TURN = "in turn"
    THREAD = "thread"  # the next file in a thread while this one is imported
    PROCESS = "process"  # the next file in a process of its own


def reading_for(postgresql: bool, files: int) -> Reading:
    """From a few files on, a process of its own reads the next files, worth its start
    (half a second): on SQLite the database's work holds the interpreter, and a thread
    would gain nothing; on PostgreSQL a thread would (the importing thread mostly waits
    for the server: a year of 250 statements, 33 s → 26 s), but each answer of the server
    then waits for the reading thread to let go of the interpreter (a process: 19.2 s
    against 21.0 s, in turns). With fewer files, or in the frozen application, which does
    not start such processes: a thread on PostgreSQL, in turn on SQLite."""
    if files < 2:
        return Reading.IN_TURN
    if files < 4 or getattr(sys, "frozen", False):
        return Reading.THREAD if postgresql else Reading.IN_TURN
    return Reading.PROCESS


def read_ahead(
    files: Iterable[tuple[str, bytes | Path]],
    *,
    reading: Reading = Reading.IN_TURN,
    ahead: int = READ_AHEAD,
) -> Iterator[ReadFile]:
    """The files of one import (``(name, content or path)``) read, in their order: with
    a thread or a process, the next ``ahead`` ones are read while the caller imports this
    one (see :func:`reading_for`), so that a file read slowly or imported quickly keeps
    no one waiting. At most ``ahead`` + 1 files are held."""
    if reading is Reading.IN_TURN:
        yield from (_read_file(name, source) for name, source in files)
        return
    with _reader(reading) as pool:
        # a process takes most of a second to start: the files are read here meanwhile
        started = pool.submit(_started) if reading is Reading.PROCESS else None
        waiting: deque[Future[ReadFile]] = deque()
        for name, source in files:
            if not waiting and started is not None and not started.done():
                yield _read_file(name, source)
                continue
            waiting.append(pool.submit(_read_file, name, source))
            if len(waiting) > ahead:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def _reader(reading: Reading) -> Executor:
    if reading is Reading.THREAD:
        return ThreadPoolExecutor(1, thread_name_prefix="bank-read")
    return ProcessPoolExecutor(  # a fresh interpreter: no database connection inherited
        1,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=_start_reader,
        initargs=(i18n.language(),),
    )


def _start_reader(language: str) -> None:
    """The reading process speaks the user's language, its translations read as it starts
    (the files are read here meanwhile), not while the import waits for its first file."""
    i18n.set_language(language)
    if language != "en":
        i18n.catalogue(language)


def _started() -> bool:
    return True


def _read_file(name: str, source: bytes | Path) -> ReadFile:
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as error:
        return ReadFile(name, b"", None, error)
    try:
        parsed = read(name, data)
    except BankFileError as error:
        return ReadFile(name, data, error)
    # what the transfer rules look up, found here: in the reading process, beside the
    # import rather than in it
    for statement in parsed.statements:
        for entry in statement.entries:
            if entry.kind in matching.TRANSFERS:
                entry.match_keys = matching.keys_of(entry)
    return ReadFile(name, data, parsed)


def import_each(
    database: Database,
    actor: Actor,
    files: Iterable[ReadFile],
    *,
    members: matching.MemberIndex | None = None,
    commit_every: float = COMMIT_EVERY,
) -> Iterator[tuple[str, ImportOutcome | BankImportRefused | OSError]]:
    """Each file's name and what became of it — imported, refused
    (``BankImportRefused``), or unreadable (``OSError``) — handed over once committed: the
    files of each second in one transaction, a refused one left out. A file's
    content and entries are let go once imported (only its result waits for the
    commit): the memory does not grow with the files of a second."""
    members = members or matching.MemberIndex()  # codes and names read once for all
    with checkpoints.beside(database) as committed, collector_sparing_what_exists():
        yield from _import_groups(database, actor, files, members, commit_every, committed)


def _import_groups(
    database: Database,
    actor: Actor,
    files: Iterable[ReadFile],
    members: matching.MemberIndex,
    commit_every: float,
    committed: Callable[[], None],
) -> Iterator[tuple[str, ImportOutcome | BankImportRefused | OSError]]:
    remaining = iter(files)
    finished = False
    while not finished:
        done: list[tuple[str, ImportOutcome | BankImportRefused | OSError]] = []
        started = time.monotonic()
        finished = True
        with database.transaction() as session:
            service = identity_service.load(session)  # its accounts, once a transaction
            for item in remaining:
                if item.unreadable is not None:
                    done.append((item.name, item.unreadable))
                    continue
                try:  # refused before anything is written (``import_files``)
                    outcome = import_files(
                        session,
                        actor,
                        [(item.name, item.data)],
                        members=members,
                        parsed=[item.parsed],
                        service=service,
                    )
                except BankImportRefused as error:
                    done.append((item.name, error))
                    continue
                done.append((item.name, outcome))
                if time.monotonic() - started >= commit_every:
                    finished = False
                    break
        committed()
        yield from done
