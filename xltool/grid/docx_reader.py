"""Word notice → Grids: each table of a .docx as values and merged ranges (python-docx).

python-docx resolves horizontal (gridSpan) and vertical (vMerge) merges by handing back the
same cell for every grid position it covers; positions that share a cell become a Merge.
The paragraphs before the first table (title, issuing office, date) are returned as context.
"""

from __future__ import annotations

from ..errors import UnreadableFile
from ..model import Grid, Merge


def _open(path, label: str):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(path)
    except PackageNotFoundError:
        raise UnreadableFile(label, "不是有效的 Word 文档（.docx）") from None
    except (KeyError, ValueError) as e:
        if "officeDocument" in str(e) or "main document" in str(e).lower() or "purl.oclc.org" in str(e):
            raise UnreadableFile(label, "Word 文档为 Strict OOXML 格式，请在 Word 中“另存为”普通 .docx 后再导入") from None
        raise UnreadableFile(label, f"无法读取 Word 文档（{e}）") from None
    except Exception as e:
        raise UnreadableFile(label, f"无法读取 Word 文档（{type(e).__name__}: {e}）") from None


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def table_grid(table, name: str) -> Grid:
    rows = len(table.rows)
    cols = len(table.columns)
    cells = table._cells  # row-major, merged positions share one cell  # noqa: SLF001
    where: dict[int, list[tuple[int, int]]] = {}
    values: list[list] = [[None] * cols for _ in range(rows)]
    for i, cell in enumerate(cells):
        r, c = divmod(i, cols)
        if r >= rows:
            break
        key = id(cell._tc)  # noqa: SLF001
        if key not in where:
            where[key] = []
            values[r][c] = _cell_text(cell) or None
        where[key].append((r, c))
    merges = []
    for spots in where.values():
        if len(spots) > 1:
            rs = [p[0] for p in spots]
            cs = [p[1] for p in spots]
            merges.append(Merge(min(rs), min(cs), max(rs), max(cs)))
    return Grid(name=name, rows=values, merges=merges)


def read_docx(path, label: str) -> tuple[list[Grid], list[str]]:
    """(one grid per table, the text paragraphs of the document before the first table).
    Whatever python-docx or lxml raise on a broken document is an UnreadableFile."""
    doc = _open(path, label)
    try:
        return _tables_and_context(doc)
    except (UnreadableFile, MemoryError):
        raise
    except Exception as e:
        raise UnreadableFile(label, f"无法读取 Word 文档中的表格（{type(e).__name__}）") from None


def _tables_and_context(doc) -> tuple[list[Grid], list[str]]:
    grids = [table_grid(t, f"表{i + 1}") for i, t in enumerate(doc.tables)]
    context = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            break
        if tag == "p":
            # (comments and processing instructions have a tag that is not a string)
            text = "".join(t.text or "" for t in child.iter() if isinstance(t.tag, str) and t.tag.endswith("}t"))
            text = text.strip()
            if text:
                context.append(text)
    return grids, context

