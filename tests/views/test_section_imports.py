"""Issue 20, item 4: no import loop between the sections of ``views/`` (a section may use
another's widgets, never both ways round, directly or through a third)."""

from __future__ import annotations

import ast
from pathlib import Path

import backoffice.views

VIEWS = Path(backoffice.views.__file__).parent
SHARED = {"widgets", "formatting", "labels", "app", "conflict_dialog"}


def section_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["backoffice", "views"] or len(parts) < 3:
        return None
    return None if parts[2] in SHARED else parts[2]


def section_imports() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for folder in VIEWS.iterdir():
        if not folder.is_dir() or folder.name in SHARED or folder.name.startswith("_"):
            continue
        used = graph.setdefault(folder.name, set())
        for source in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module:
                    other = section_of(node.module)
                    if other and other != folder.name:
                        used.add(other)
    return graph


def test_the_sections_import_each_other_one_way_only() -> None:
    graph = section_imports()
    assert graph["members"] and graph["billing"]  # the walk found the imports

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for other in graph.get(start, ()):
            if other == goal or (other not in seen and reaches(other, goal, seen | {other})):
                return True
        return False

    loops = sorted(section for section in graph if reaches(section, section, {section}))
    assert loops == []
