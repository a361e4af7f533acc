"""Keep the French catalogues in step with the code.

    python tools/translations.py check    # list strings without a French translation
    python tools/translations.py update   # add new strings to their area's .po, drop unused
    python tools/translations.py fill MAPPING.json   # set French text for new strings
    python tools/translations.py recover REF...  # after a merge: catalogues without conflicts

``recover main my-branch`` resolves conflicts in the catalogues after ``git merge``: it
takes the first ref's catalogues, adds the strings of the merged code, and fills every
translation either ref had.

Every ``tr("...")`` / ``ntr("...", "...", n)`` string of ``backoffice/`` is extracted with
Babel. Catalogues live in ``resources/locale/fr/<area>.po``, one per area of the
application, so that work on different areas does not edit the same file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "backoffice"
LOCALE = ROOT / "resources" / "locale" / "fr"
AREAS = (
    "changes",
    "billing",
    "appointments",
    "convocations",
    "accounts",
    "sepa",
    "documents",
)
# Newer areas match a whole folder or module name prefix only (``mail`` is not ``email``).
PREFIX_AREAS = ("bank", "einvoicing", "mail", "accounting", "members")
KEYWORDS = {"tr": None, "ntr": (1, 2), "trc": ((1, "c"), 2)}
SEPARATOR = "\x04"  # context, then message: the key of a message with a context


def area_of(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    for area in AREAS:
        if any(area in part for part in parts):
            return "appointments" if area == "convocations" else area
    for area in PREFIX_AREAS:
        if any(part.startswith(area) for part in parts):
            return area
    if parts and parts[0] in ("views", "ops"):
        return "application"
    return "core"


def extracted() -> dict[str, tuple[str, str | None, list[tuple[str, int]]]]:
    """msgid → (area, plural, locations)."""
    messages: dict[str, tuple[str, str | None, list[tuple[str, int]]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        singular, plural = (message if isinstance(message, tuple) else (message, None))[:2]
        if context:
            singular = f"{context}{SEPARATOR}{singular}"
        if singular in messages:
            messages[singular][2].append((filename, lineno))
        else:
            messages[singular] = (area_of(filename), plural, [(filename, lineno)])
    return messages


def catalogues() -> dict[str, Catalog]:
    loaded = {}
    for path in sorted(LOCALE.glob("*.po")):
        with path.open("rb") as handle:
            loaded[path.stem] = read_po(handle, locale="fr")
    return loaded


def key_of(message: Message) -> str:
    """The message's key: its id, prefixed by its context when it has one."""
    key = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}{SEPARATOR}{key}" if message.context else key


def missing() -> list[tuple[str, list[tuple[str, int]]]]:
    known = {}
    for catalogue in catalogues().values():
        for message in catalogue:
            if message.id:
                key = key_of(message)
                translated = (
                    all(message.string)
                    if isinstance(message.string, tuple)
                    else bool(message.string)
                )
                known[key] = translated and not message.fuzzy
    return [
        (msgid, locations)
        for msgid, (_area, _plural, locations) in extracted().items()
        if not known.get(msgid)
    ]


def new_catalogue() -> Catalog:
    """An empty French catalogue with the two plural forms of the others (``ntr`` takes the
    first for 0 and 1, the last otherwise; Babel would give a new one CLDR's three)."""
    catalogue = Catalog(locale="fr", project="backoffice")
    catalogue._num_plurals = 2
    catalogue._plural_expr = "(n > 1)"
    return catalogue


def update() -> int:
    loaded = catalogues()
    present = {key_of(m) for catalogue in loaded.values() for m in catalogue if m.id}
    strings = extracted()
    removed = 0
    for catalogue in loaded.values():  # strings the code no longer uses
        for message in list(catalogue):
            if message.id and key_of(message) not in strings:
                catalogue.delete(message.id, context=message.context)
                removed += 1
    added = 0
    for msgid, (area, plural, locations) in strings.items():
        if msgid in present:
            continue
        catalogue = loaded.setdefault(area, new_catalogue())
        context, _separator, text = msgid.rpartition(SEPARATOR)
        catalogue.add(
            (text, plural) if plural else text,
            ("", "") if plural else "",
            locations=locations,
            context=context or None,
        )
        added += 1
    LOCALE.mkdir(parents=True, exist_ok=True)
    for area, catalogue in loaded.items():
        with (LOCALE / f"{area}.po").open("wb") as handle:
            write_po(
                handle,
                catalogue,
                width=100,
                sort_output=False,
                omit_header=False,
                include_lineno=False,
            )
    print(f"{added} new strings, {removed} unused ones removed")
    return 0


def check() -> int:
    absent = missing()
    for msgid, locations in absent:
        where = ", ".join(f"{file}:{line}" for file, line in locations[:2])
        print(f"{where}: {msgid!r}")
    print(f"{len(absent)} strings without a French translation")
    return 1 if absent else 0


def fill(mapping_file: str) -> int:
    """Set translations from a JSON object ``{"English": "Français", ...}`` (a plural
    takes a list of two French forms; a message with a context is keyed
    ``"context\\u0004English"``), after ``update`` added the strings."""
    import json

    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    loaded = catalogues()
    filled = 0
    for area, catalogue in loaded.items():
        for message in catalogue:
            key = key_of(message)
            if key in mapping:
                value = mapping[key]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
                filled += 1
        with (LOCALE / f"{area}.po").open("wb") as handle:
            write_po(handle, catalogue, width=100, sort_output=False, include_lineno=False)
    print(f"{filled} translations set")
    return 0


def recover(refs: list[str]) -> int:
    """Catalogues without merge conflicts: the first ref's files, the merged code's strings,
    and every translation any of ``refs`` had."""
    import io
    import json
    import subprocess
    import tempfile

    def at(ref: str, name: str) -> bytes | None:
        shown = subprocess.run(
            ["git", "show", f"{ref}:resources/locale/fr/{name}"],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        return shown.stdout if shown.returncode == 0 else None

    listed = subprocess.run(
        ["git", "ls-tree", "--name-only", refs[0], "resources/locale/fr/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    names = {Path(line).name for line in listed.stdout.split()}
    names |= {path.name for path in LOCALE.glob("*.po")}
    mapping: dict[str, object] = {}
    for ref in reversed(refs):  # the first ref's translations win
        for name in sorted(names):
            content = at(ref, name)
            if content is None:
                continue
            for message in read_po(io.BytesIO(content), locale="fr"):
                translated = (
                    all(message.string) if isinstance(message.string, tuple) else message.string
                )
                if message.id and translated:
                    value = message.string
                    mapping[key_of(message)] = list(value) if isinstance(value, tuple) else value
    for name in sorted(names):
        content = at(refs[0], name)
        if content is not None:
            (LOCALE / name).write_bytes(content)
        else:
            (LOCALE / name).unlink(missing_ok=True)
    update()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(mapping, handle)
    fill(handle.name)
    Path(handle.name).unlink()
    return check()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill":
        sys.exit(fill(sys.argv[2]))
    if command == "recover":
        sys.exit(recover(sys.argv[2:] or ["HEAD"]))
    sys.exit({"check": check, "update": update}[command]())
