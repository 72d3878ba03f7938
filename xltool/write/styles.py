"""Shared look of everything xltool writes (fills per severity, header style)."""

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ..model import SEVERITY_CN  # noqa: F401  (re-exported for the writers)

SEVERITY_FILL = {
    "error": PatternFill("solid", fgColor="FFC7CE"),  # red
    "warning": PatternFill("solid", fgColor="FFEB9C"),  # amber
    "info": PatternFill("solid", fgColor="DDEBF7"),  # blue
}
OVERDUE_ROW_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="4472C4")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def header_row(ws, row: int, labels, widths=None) -> None:
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(row, c, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    if widths:
        from openpyxl.utils import get_column_letter

        for c, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = w
