"""The judge of the tests: the European Commission's EN 16931 validation stylesheet for
CII (``../shared/einvoicing/``, release 1.3.16), run with Saxon (saxonche).

Absent (a checkout without ../shared, or saxonche missing), the tests that need it are
skipped, except under ``CI=true`` where they fail: CI must prove the rules pass.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import IN_CI

STYLESHEET = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "einvoicing"
    / "EN16931-CII-validation.xslt"
)
_FAILED = re.compile(r"<svrl:failed-assert\b([^>]*)>(.*?)</svrl:failed-assert>", re.S)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason + " (CI=true: the EN 16931 rules must run)")
    pytest.skip(reason)


@cache
def _compiled():
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    sheet = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(STYLESHEET))
    return processor, sheet


def failed_rules(xml: bytes) -> list[tuple[str, str, str]]:
    """(rule id, flag, text) of each failed assertion."""
    if not STYLESHEET.exists():
        _unavailable(f"{STYLESHEET} is absent")
    try:
        import saxonche  # noqa: F401
    except ImportError:
        _unavailable("saxonche is not installed")
    processor, sheet = _compiled()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = sheet.transform_to_string(xdm_node=node)
    rules = []
    for attributes, body in _FAILED.findall(svrl):
        rule = re.search(r'\bid="([^"]+)"', attributes)
        flag = re.search(r'\bflag="([^"]+)"', attributes)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body)).strip()
        rules.append((rule.group(1) if rule else "?", flag.group(1) if flag else "?", text))
    return rules


def fatal_rules(xml: bytes) -> list[tuple[str, str, str]]:
    return [rule for rule in failed_rules(xml) if rule[1] == "fatal"]
