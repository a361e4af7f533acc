"""Keep the French catalogues in step with the code.

    python tools/translations.py check    # list strings without a French translation
    python tools/translations.py update   # add new strings (empty) to their area's .po file

Every ``tr("...")`` / ``ntr("...", "...", n)`` string of ``backoffice/`` is extracted with
Babel. Catalogues live in ``resources/locale/fr/<area>.po``, one per area of the
application, so that work on different areas does not edit the same file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "backoffice"
LOCALE = ROOT / "resources" / "locale" / "fr"
AREAS = ("changes", "billing", "appointments", "convocations", "accounts", "sepa", "documents")
KEYWORDS = {"tr": None, "ntr": (1, 2)}


def area_of(path: str) -> str:
    parts = Path(path).with_suffix("").parts
    for area in AREAS:
        if any(area in part for part in parts):
            return "appointments" if area == "convocations" else area
    if parts and parts[0] in ("views", "ops"):
        return "application"
    return "core"


def extracted() -> dict[str, tuple[str, str | None, list[tuple[str, int]]]]:
    """msgid → (area, plural, locations)."""
    messages: dict[str, tuple[str, str | None, list[tuple[str, int]]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        singular, plural = (message if isinstance(message, tuple) else (message, None))[:2]
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


def missing() -> list[tuple[str, list[tuple[str, int]]]]:
    known = {}
    for catalogue in catalogues().values():
        for message in catalogue:
            if message.id:
                key = message.id[0] if isinstance(message.id, tuple) else message.id
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


def update() -> int:
    loaded = catalogues()
    present = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for catalogue in loaded.values()
        for m in catalogue
        if m.id
    }
    added = 0
    for msgid, (area, plural, locations) in extracted().items():
        if msgid in present:
            continue
        catalogue = loaded.setdefault(area, Catalog(locale="fr", project="backoffice"))
        catalogue.add(
            (msgid, plural) if plural else msgid, ("", "") if plural else "", locations=locations
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
    print(f"{added} new strings")
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
    takes a list of two French forms), after ``update`` added the strings."""
    import json

    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    loaded = catalogues()
    filled = 0
    for area, catalogue in loaded.items():
        for message in catalogue:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key in mapping:
                value = mapping[key]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
                filled += 1
        with (LOCALE / f"{area}.po").open("wb") as handle:
            write_po(handle, catalogue, width=100, sort_output=False, include_lineno=False)
    print(f"{filled} translations set")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill":
        sys.exit(fill(sys.argv[2]))
    sys.exit({"check": check, "update": update}[command]())
