"""Validation against the official XSD shipped with sepaxml, independently of the code
under test (which has its own copy of this step)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sepaxml
import xmlschema

SCHEMAS = Path(sepaxml.__file__).parent / "schemas"


@cache
def official(schema: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / f"{schema}.xsd")


def assert_valid(xml: bytes, schema: str = "pain.008.001.08") -> None:
    official(schema).validate(xml.decode("utf-8"))
