"""Reading back the monthly report's files in tests: the PDF's text, fonts and pages, the workbook's charts."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pypdfium2

from tests.support.infra import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "reports"
# The Chinese report's section headings, written out as its reader sees them.
HEADINGS_ZH = ("一、本月指标", "二、“631”化解层级", "三、下级单位排名", "四、本月趋势", "五、每月一题")


def pdf_text(content: bytes) -> tuple[int, str]:
    """The pages' text as PDFium reads it. (pypdf 7.1 cannot: for a CID-keyed CFF font such as Noto
    Sans CJK, fpdf2 writes the code-to-CID map as an embedded /Encoding CMap, which pypdf reads as
    one-byte codes; pypdf checks the document's structure below.)"""
    document = pypdfium2.PdfDocument(content)
    return len(document), "\n".join(page.get_textpage().get_text_range() for page in document)


def embedded_fonts(content: bytes) -> list[tuple[str, bool]]:
    """(base font name, embedded) of every font the pages use, read with pypdf."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    found = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            found.add((str(font["/BaseFont"]), any(k in descriptor for k in ("/FontFile2", "/FontFile3"))))
    assert reader.metadata is not None
    return sorted(found)


def save_pages(content: bytes, stem: str, pages: int = 3) -> list[Path]:
    """The first pages as PNG in test-artifacts/reports/, to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(content)
    saved = []
    for i in range(min(pages, len(document))):
        path = ARTIFACTS / f"{stem}-page{i + 1}.png"
        document[i].render(scale=1.6).to_pil().save(path)
        saved.append(path)
    return saved


def native_charts(content: bytes) -> list[str]:
    """The XML of the workbook's charts (xlsxwriter's own, not pictures)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]


def sheet_rows(content: bytes, sheet: str) -> dict[str, tuple[Any, ...]]:
    """A workbook's sheet read back with openpyxl: its rows by the text of their first cell."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {str(r[0]): r for r in book[sheet].iter_rows(values_only=True) if r[0] is not None}
