"""Shared look of everything xltool writes: fills per severity, header and body rows,
links to cells, A4 printing."""

from typing import NamedTuple

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.hyperlink import Hyperlink

from ..marks import FILL_RGB, hex_of
from ..model import SEVERITY_CN  # noqa: F401  (re-exported for the writers)
from .cells import put

SEVERITY_FILL = {sev: PatternFill("solid", fgColor=hex_of(FILL_RGB[sev])) for sev in ("error", "warning", "info")}
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="4472C4")
THIN = Side(style="thin", color="999999")  # reports: grey lines on screen
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PRINT_LINE = Side(style="thin", color="000000")  # templates: black lines, as printed tables have
PRINT_BORDER = Border(left=PRINT_LINE, right=PRINT_LINE, top=PRINT_LINE, bottom=PRINT_LINE)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def header_look(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = CENTER
    cell.border = BORDER


def header_row(ws, row: int, labels, widths=None) -> None:
    for c, label in enumerate(labels, start=1):
        header_look(put(ws, row, c, label))
    if widths:
        column_widths(ws, widths)


def column_widths(ws, widths) -> None:
    """Widths of the columns from A on."""
    from openpyxl.utils import get_column_letter

    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w


def restyle(cell, key, apply) -> None:
    """Style ``cell`` as ``apply(cell)`` would, calling it only once per workbook for each
    ``key`` and style the cell had before: later cells take a copy of the resulting style
    indexes. Setting a fill, border or alignment through openpyxl hashes the style objects
    and looks them up in the workbook's lists again for every cell."""
    memo = cell.parent.parent.__dict__.setdefault("_xltool_styles", {})
    before = tuple(cell._style) if cell.has_style else ()
    done = memo.get((key, before))
    if done is None:
        apply(cell)
        memo[(key, before)] = tuple(cell._style)
    else:
        cell._style = StyleArray(done)


def _bordered(cell) -> None:
    cell.border = BORDER


def body_row_look(cell) -> None:
    """The look of a cell of body_row(wrap=True)."""
    cell.border = BORDER
    cell.alignment = WRAP


def filled_style(wb, fill: PatternFill):
    """style index -> the index of that style with ``fill`` on top, for cells written as
    XML (sheetdata): the new styles are added to the workbook openpyxl saves."""
    from copy import copy

    memo: dict[int, int] = {}
    fill_id = wb._fills.add(fill)

    def style(index: int) -> int:
        got = memo.get(index)
        if got is None:
            styles = wb._cell_styles
            look = copy(styles[index]) if index < len(styles) else StyleArray()
            look.fillId = fill_id
            got = memo[index] = styles.add(look)
        return got
    return style


def style_id(ws, *looks) -> int:
    """The style index of a cell of ``ws`` styled by ``looks`` in turn (functions of a cell),
    for cells written as XML. The cell used is not put into the sheet."""
    from openpyxl.cell import Cell

    cell = Cell(ws, row=1, column=1)
    for look in looks:
        look(cell)
    return cell.style_id


class FindingLooks(NamedTuple):
    """Style indexes of a findings table written as XML: a wrapped bordered cell, the same
    as a link, and the same with each severity's fill."""

    body: int
    linked: int
    severity: dict[str, int]


def finding_looks(ws) -> FindingLooks:
    return FindingLooks(style_id(ws, body_row_look), style_id(ws, body_row_look, link_look),
                        {sev: style_id(ws, body_row_look, lambda cell, fill=fill: setattr(cell, "fill", fill))
                         for sev, fill in SEVERITY_FILL.items()})


def body_row(ws, row: int, values, wrap: bool = False) -> None:
    """One bordered row of values from column A (wrapped and top-aligned if ``wrap``)."""
    look = body_row_look if wrap else _bordered
    for c, v in enumerate(values, start=1):
        restyle(put(ws, row, c, v), look, look)


def fill_with(cell, fill: PatternFill) -> None:
    """``cell.fill = fill`` through the style memo (fills are keyed by their colour)."""
    restyle(cell, ("fill", fill.fgColor.rgb), lambda c: setattr(c, "fill", fill))


def location(sheet: str, cell: str = "A1") -> str:
    """An in-workbook link location: 'sheet name'!B7 (quotes doubled as Excel wants)."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def link(cell, location: str | None = None, target: str | None = None, tooltip: str | None = None) -> None:
    """Make a cell a hyperlink: to a location in this workbook, or in another file ``target``."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=location, tooltip=tooltip)
    restyle(cell, "link", link_look)


def link_look(cell) -> None:
    cell.style = "Hyperlink"


LINE_HEIGHT = 15  # points per line of 11-point text


def row_height(texts_and_widths) -> float:
    """Points a row needs to show its wrapped texts, from (text, column width) pairs: a file
    keeps the heights it is given (neither Excel nor LibreOffice recomputes them when it
    opens one). A Chinese character is two units of width, as Excel counts them; the usable
    width is taken a little short, as renderers' Chinese glyphs run wider."""
    from ..output import width

    lines = 1
    for text, col_width in texts_and_widths:
        usable = max(int((col_width - 1) * 0.9), 1)
        lines = max(lines, sum(max(1, -(-width(part) // usable)) for part in str(text).split("\n")))
    return min(409, LINE_HEIGHT * lines + (3 if lines > 1 else 0))


def fitted_rows(first_row: int, rows, widths: list[float]):
    """Rows for sheetdata.rows_xml from (values, styles by column) pairs: numbered from
    ``first_row``, each as high as its wrapped text needs in columns of ``widths``."""
    for i, (values, styles) in enumerate(rows, start=first_row):
        height = row_height([(v, widths[j]) for j, v in enumerate(values) if isinstance(v, str) and v])
        yield i, height if height > LINE_HEIGHT else None, [(j, v, styles[j]) for j, v in enumerate(values, start=1)]


def fit_rows(ws, first_row: int, last_row: int | None = None) -> None:
    """Row heights that show every line of the wrapped text in rows first_row..last_row."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row or ws.max_row):
        texts = []
        for cell in row:
            if isinstance(cell.value, str) and cell.value:
                if cell.column not in widths:
                    widths[cell.column] = ws.column_dimensions[get_column_letter(cell.column)].width or 8.43
                texts.append((cell.value, widths[cell.column]))
        height = row_height(texts)
        if height > LINE_HEIGHT:
            ws.row_dimensions[row[0].row].height = height


def print_a4(ws, landscape: bool = False, title_rows: int = 0, footer: str | None = None) -> None:
    """Print on A4, one page wide (no column ever on a page of its own), as many pages long
    as it takes; the first ``title_rows`` rows repeated on every page; page numbers and
    ``footer`` (the base date) at the foot of each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if footer:
        ws.oddFooter.left.text = footer.replace("&", "&&")
