"""Validation of SEPA files against the official ISO 20022 schemas.

The XSDs in ``xsd/`` are ISO 20022's own (``pain.008.001.08``, ``pain.008.001.02``), as
published by ISO and shipped unchanged by most SEPA libraries. Each is compiled by
libxml2 (``lxml.etree.XMLSchema``) once per process; validating a document of 20,000
debits then takes a tenth of a second. A validator keeps its error log on the instance,
so validations of one schema take turns (a lock), whatever the thread.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib import resources

from lxml import etree


class SchemaInvalid(Exception):
    """The file does not validate against the official schema (``reasons`` say where)."""

    def __init__(self, schema: str, reasons: list[str]) -> None:
        super().__init__(f"{schema}: {'; '.join(reasons)}")
        self.schema = schema
        self.reasons = reasons


@cache
def official_schema(schema: str) -> tuple[etree.XMLSchema, threading.Lock]:
    """The compiled XSD of ``schema`` (e.g. ``pain.008.001.08``) and its lock."""
    source = resources.files("backoffice.reports.sepa").joinpath("xsd", f"{schema}.xsd")
    with source.open("rb") as stream:
        compiled = etree.XMLSchema(etree.parse(stream))
    return compiled, threading.Lock()


def validate(document: etree._Element | bytes, schema: str, limit: int = 3) -> None:
    """Raise :class:`SchemaInvalid` with the first ``limit`` reasons unless ``document``
    (a tree, or the file's bytes) is valid."""
    tree = etree.fromstring(document) if isinstance(document, bytes) else document
    compiled, lock = official_schema(schema)
    with lock:
        if compiled.validate(tree):
            return
        errors = list(compiled.error_log)[:limit]
    raise SchemaInvalid(schema, [_reason(tree, error) for error in errors])


def _reason(tree: etree._Element, error: etree._LogEntry) -> str:
    """``where: what``, the place named by its elements (the debit by its end-to-end id)
    and the message without the namespace."""
    message = re.sub(r"\{[^}]*\}", "", error.message)
    found = tree.xpath(error.path) if error.path else []
    if not found:
        return message
    names = []
    for element in (found[0], *found[0].iterancestors()):
        name = etree.QName(element).localname
        if name == "DrctDbtTxInf":
            name += f"[{element.findtext('{*}PmtId/{*}EndToEndId')}]"
        names.append(name)
    return f"{'/'.join(reversed(names[:-2]))}: {message}"  # below Document/CstmrDrctDbtInitn
