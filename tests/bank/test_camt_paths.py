"""The camt reader's walk keeps only the texts of the paths in its table: every path the
rules read an entry or a transaction at must be one of them (else it reads as empty)."""

from __future__ import annotations

import inspect
import re

from backoffice.services.bank.formats import camt


def test_every_path_read_from_an_entry_is_walked():
    source = inspect.getsource(camt)
    start = source.index("def _head(")
    literals = re.findall(
        r"(?:fields|detail|entry|read_details\[0\])\.text\(([^)]*)\)", source[start:]
    )
    paths = {path for call in literals for path in re.findall(r'"([A-Za-z/]+)"', call)}
    paths.update(path for group in camt._PARTY_PATHS.values() for path in group)
    assert len(paths) > 25
    assert paths <= set(camt._ACTIONS), paths - set(camt._ACTIONS)
