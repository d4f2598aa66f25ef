"""GeoReport v2's two formats: JSON, and XML written with the standard library's ElementTree.

Every answer, errors included, is a list (or one object) of flat fields with a few nested lists
(a definition's attributes and their values); XML names each element as the specification does.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Literal

import orjson
from fastapi import Response

Format = Literal["json", "xml"]
# What XML 1.0 cannot carry at all (C0 controls but tab, newline, carriage return; and U+FFFE/U+FFFF):
# a petition's text may hold them, the XML answer shows them as U+FFFD instead of being unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ITEM = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
MEDIA = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def render(
    fmt: Format, root: str, item: str | None, content: list[dict[str, Any]] | dict[str, Any], status: int = 200
) -> Response:
    """`content` as JSON, or as XML: `<root>` holding one `<item>` per entry (or `<root>` itself for one object)."""
    if fmt == "json":
        return Response(orjson.dumps(content), status_code=status, media_type=MEDIA["json"])
    top = ET.Element(root)
    if isinstance(content, dict):
        _fill(top, content)
    else:
        for entry in content:
            _fill(ET.SubElement(top, item or "item"), entry)
    body = ET.tostring(top, encoding="UTF-8", xml_declaration=True)
    return Response(body, status_code=status, media_type=MEDIA["xml"])


def errors(fmt: Format, status: int, descriptions: list[str]) -> Response:
    """The specification's error answer: a list of {code, description}; code is the HTTP status."""
    return render(fmt, "errors", "error", [{"code": status, "description": d} for d in descriptions], status)


def _fill(element: ET.Element, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):
            for entry in value:
                item = ET.SubElement(child, _ITEM.get(name, "item"))
                if isinstance(entry, dict):
                    _fill(item, entry)
                else:
                    item.text = _NOT_XML.sub("\ufffd", str(entry))
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = _NOT_XML.sub("\ufffd", str(value))
