"""Shared look of everything xltool writes: fills per severity, header and body rows,
links to cells, A4 printing."""

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink

from ..marks import FILL_RGB, hex_of
from ..model import SEVERITY_CN  # noqa: F401  (re-exported for the writers)
from .cells import put

SEVERITY_FILL = {sev: PatternFill("solid", fgColor=hex_of(FILL_RGB[sev])) for sev in ("error", "warning", "info")}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="4472C4")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def header_row(ws, row: int, labels, widths=None) -> None:
    for c, label in enumerate(labels, start=1):
        cell = put(ws, row, c, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    if widths:
        from openpyxl.utils import get_column_letter

        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w


def body_row(ws, row: int, values, wrap: bool = False) -> None:
    """One bordered row of values from column A (wrapped and top-aligned if ``wrap``)."""
    for c, v in enumerate(values, start=1):
        cell = put(ws, row, c, v)
        cell.border = BORDER
        if wrap:
            cell.alignment = WRAP


def location(sheet: str, cell: str = "A1") -> str:
    """An in-workbook link location: 'sheet name'!B7 (quotes doubled as Excel wants)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def link(cell, location: str | None = None, target: str | None = None, tooltip: str | None = None) -> None:
    """Make a cell a hyperlink: to a location in this workbook, or in another file ``target``."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=location, tooltip=tooltip)
    cell.style = "Hyperlink"


def print_a4(ws, landscape: bool = False) -> None:
    """Print on A4, one page wide, as many pages long as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if landscape:
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
