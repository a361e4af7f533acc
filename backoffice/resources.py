"""Where the shipped resources (fonts, translations, demo reference data) live.

In a source checkout or an editable install they sit in the repository's top-level
``resources/``; in the PyInstaller build, under the bundle's ``resources/``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
