"""The one way text from a ledger (or a file name) gets into a workbook we write.

openpyxl turns any string that starts with "=" into a formula; a unit's ledger could carry
"=cmd|' /C calc'!A0" or =HYPERLINK(...) into the coordinator's report. Every value we write
that did not come from our own code goes through ``put``: text is stored as text (an explicit
string cell, whatever it starts with), control characters that Excel's XML cannot hold are
dropped, and text is cut at Excel's cell limit. Formulas we generate ourselves are written
with ``formula``.
"""

from __future__ import annotations

import re

EXCEL_TEXT_LIMIT = 32_767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text Excel can hold: no control characters (tab and line breaks stay), no
    non-characters, at most 32,767 characters."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= EXCEL_TEXT_LIMIT else text[:EXCEL_TEXT_LIMIT - 1] + "…"


def put(ws, row: int, col: int, value=None):
    """Write a value into a cell as data, never as a formula; returns the cell."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def formula(ws, row: int, col: int, text: str):
    """Write a formula of our own making; returns the cell."""
    if not text.startswith("="):
        raise ValueError(f"not a formula: {text!r}")
    cell = ws.cell(row, col)
    cell.value = text
    return cell
