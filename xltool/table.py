"""Grid → table layouts: find header rows, map columns to fields, decide the table kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .fields import match_header
from .model import Grid, Merge
from .textnorm import cell_text, squash

SECTION_L1 = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]")
SECTION_L2 = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]{1,3}\s*[)）]")
NUMBERED = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、](?!\d)|[（(]\s*(\d{1,3})\s*[)）])")
# (task or requirement) and (lead or responsible) make a header row
_TASKISH = ("task", "requirement")
_UNITISH = ("lead", "responsible")


@lru_cache(maxsize=2**16)
def field_of(value) -> str | None:
    """The field a cell value (as read) names as a header, or None: only a short text names
    one. Every cell of every sheet is looked up, a row at once with ``map``, and sheets repeat
    their numbers, dates, blanks and header words: each answer is remembered."""
    if value.__class__ is not str or len(value) > 24:
        return None
    t = value.strip()
    return match_header(t) if t else None


@dataclass
class Layout:
    header_start: int  # 0-based first header row
    header_end: int  # 0-based last header row
    columns: dict[str, int]
    headers: dict[str, str]
    data_end: int = 0  # 0-based, exclusive
    kind: str = "decomposition"
    header_fields: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False)  # col -> (field, text)
    unmapped: dict[int, str] = field(default_factory=dict)  # col -> header text naming no known field

    @property
    def data_start(self) -> int:
        return self.header_end + 1


def _spans(grid: Grid) -> dict[tuple[int, int], Merge]:
    """anchor -> merge, for the merges that span several columns (few: titles, headers)."""
    return {(m.r0, m.c0): m for m in grid.merges if m.c1 > m.c0}


def row_fields(grid: Grid, r: int, spans: dict[tuple[int, int], Merge], least: int = 1) -> dict[int, tuple[str, str]]:
    """col -> (field, header text) for the cells of row r that name a field, or nothing when
    fewer than ``least`` cells do. A header cell merged across columns names the field for
    every column it spans."""
    if r >= len(grid.rows):
        return {}
    row = grid.rows[r]
    try:
        hits = list(map(field_of, row))  # (most rows of a sheet: data, no field name at all)
    except TypeError:  # a value that cannot be a key (no reader of ours makes one)
        hits = [field_of(v) if v.__class__ is str else None for v in row]
    if len(hits) - hits.count(None) < least:
        return {}
    out = {}
    for c, (f, v) in enumerate(zip(hits, row, strict=True)):
        if not f:
            continue
        out[c] = (f, v)
        m = spans.get((r, c))
        if m is not None:
            for cc in range(m.c0 + 1, m.c1 + 1):
                out.setdefault(cc, (f, v))
    return out


# Beside a task column, two of these name a table as surely as a unit column does (an
# assessment table headed 考核指标 · 考核内容 · 评分标准 · 分值 · 负责考核部门 has no unit column).
_TABLEISH = ("seq", "deadline", "row_points", "level1", "level2", "assessor", "status", "progress", "evidence")


def _is_header(fields: dict[int, tuple[str, str]]) -> bool:
    if len(fields) < 2:  # most rows of a sheet: data, no header word at all
        return False
    names = {f for f, _ in fields.values()}
    if not any(f in names for f in _TASKISH):
        return False
    return any(f in names for f in _UNITISH) or len(names.intersection(_TABLEISH)) >= 2


def _profile(grid: Grid, c: int, r0: int, r1: int) -> str | None:
    """What a column's data looks like: 'section', 'subsection', 'seq' or None."""
    vals = []
    for r in range(r0, min(r1, r0 + 400)):
        ar, ac = grid.anchor(r, c)
        if ar != r or ac != c:
            continue
        t = cell_text(grid.raw(r, c))
        if t:
            vals.append(t)
    if not vals:
        return None
    n = len(vals)
    if sum(bool(SECTION_L1.match(v)) for v in vals) >= 0.6 * n:
        return "section"
    if sum(bool(SECTION_L2.match(v)) for v in vals) >= 0.6 * n:
        return "subsection"
    if sum(bool(re.fullmatch(r"\d{1,4}(\.\d+)?[.、．]?", squash(v))) for v in vals) >= 0.8 * n:
        return "seq"
    return None


def _avg_len(grid: Grid, c: int, r0: int, r1: int) -> float:
    lens = [len(cell_text(grid.raw(r, c))) for r in range(r0, min(r1, r0 + 200))]
    lens = [x for x in lens if x]
    return sum(lens) / len(lens) if lens else 0.0


def _assign(grid: Grid, fields: dict[int, tuple[str, str]], r0: int, r1: int) -> tuple[dict, dict]:
    """Resolve columns that share a field (a header merged over several columns, as in
    "具 体 要 求" over section, sub-section, 序号 and text): profile the data."""
    by_field: dict[str, list[int]] = {}
    for c, (f, _) in sorted(fields.items()):
        by_field.setdefault(f, []).append(c)
    columns, headers = {}, {}
    for f, cols in by_field.items():
        if len(cols) == 1:
            columns[f], headers[f] = cols[0], fields[cols[0]][1]
            continue
        rest = []
        for c in cols:
            prof = _profile(grid, c, r0, r1)
            if prof and prof not in columns and prof not in by_field:
                columns[prof], headers[prof] = c, fields[c][1]
            else:
                rest.append(c)
        if rest:
            best = max(rest, key=lambda c: _avg_len(grid, c, r0, r1))
            columns[f], headers[f] = best, fields[best][1]
    # Unlabelled columns between labelled ones may hold sections or numbers.
    lo, hi = min(fields), max(fields)
    for c in range(lo, hi + 1):
        if c in fields:
            continue
        prof = _profile(grid, c, r0, r1)
        if prof and prof not in columns:
            columns[prof], headers[prof] = c, ""
    return columns, headers


DIVISION_WORDS = ("具体要求", "具体措施", "工作措施", "时限要求", "时间要求", "时限")


def _kind(columns: dict[str, int], headers: dict[str, str]) -> str:
    """assessment: indicators or points; division (重点工作任务分工): 具体要求 / 时限要求;
    decomposition (任务分解表): 序号 · 重点任务 · 牵头/责任单位 · 完成时间 / 工作要求."""
    words = {squash(h) for h in headers.values()}
    if {"level1", "level2", "self_score", "row_points"} & set(columns) or "二级指标" in words:
        return "assessment"
    if any(squash(headers.get(f, "")) in DIVISION_WORDS for f in ("requirement", "deadline")):
        return "division"
    return "decomposition"


def find_layouts(grid: Grid) -> list[Layout]:
    """Every task table in a sheet. A header row identical to the table's own header
    (repeated after a page break) does not start a new table."""
    layouts: list[Layout] = []
    spans = _spans(grid)
    r = 0
    n = grid.height
    while r < n:
        fields = row_fields(grid, r, spans, least=2)  # a header names a task and a unit column
        if not _is_header(fields):
            r += 1
            continue
        if layouts and layouts[-1].data_end == 0:
            prev = layouts[-1]
            if {f for f, _ in fields.values()} <= {f for f, _ in prev.header_fields.values()}:
                r += 1  # the same header repeated after a page break
                continue
            prev.data_end = r
        end = r
        below = row_fields(grid, r + 1, spans) if r + 1 < n else {}
        if below and _second_header_row(grid, r + 1, below) and (not _is_header(below) or _two_row(r, below, spans)):
            merged = dict(fields)
            merged.update(below)
            fields, end = merged, r + 1
        layouts.append(Layout(r, end, {}, {}, 0, header_fields=fields))  # columns resolved below
        r = end + 1
    for lay in layouts:
        if lay.data_end == 0:
            lay.data_end = n
        lay.columns, lay.headers = _assign(grid, lay.header_fields, lay.data_start, lay.data_end)
        _headings_over_items(grid, lay)
        lay.kind = _kind(lay.columns, lay.headers)
        lay.unmapped = _unmapped(grid, lay)
    return layouts


def _headings_over_items(grid: Grid, lay: Layout) -> None:
    """A task column that holds headings over the items of the next one becomes the section
    column, and the items the tasks. Decided by content: its cells are 一、/（一） headings,
    or one of its cells is merged over rows that carry different 序号 (a task has one 序号;
    a heading groups several)."""
    cols = lay.columns
    if "task" not in cols or "requirement" not in cols:
        return
    c = cols["task"]
    prof = _profile(grid, c, lay.data_start, lay.data_end)
    over = prof in ("section", "subsection") and prof not in cols
    if not over and "seq" in cols and "section" not in cols:
        s = cols["seq"]
        for m in grid.merges:
            if m.c0 == c == m.c1 and m.r1 > m.r0 and lay.data_start <= m.r0 < lay.data_end:
                seqs = {cell_text(grid.raw(r, s)) for r in range(m.r0, m.r1 + 1)} - {""}
                if len(seqs) > 1:
                    over, prof = True, "section"
                    break
    if over:
        cols[prof], lay.headers[prof] = c, lay.headers.get("task", "")
        cols["task"], lay.headers["task"] = cols.pop("requirement"), lay.headers.pop("requirement", "")


def _unmapped(grid: Grid, lay: Layout) -> dict[int, str]:
    """col -> text of the header cells that name no field the reader knows (listed by inspect
    and in a finding: a column the reader ignored is never silent)."""
    used = set(lay.columns.values())
    out = {}
    for r in range(lay.header_start, lay.header_end + 1):
        row = grid.rows[r] if r < grid.height else []
        for c, v in enumerate(row):
            t = cell_text(v)
            if t and c not in lay.header_fields and c not in used and grid.anchor(r, c) == (r, c):
                out.setdefault(c, t)
    return out


def _second_header_row(grid: Grid, r: int, fields: dict) -> bool:
    """Row r holds labels only: every own text in it is short and at most one is not a field name
    (a cell merged down from the row above belongs to that row, not this one)."""
    row = grid.rows[r] if r < grid.height else []
    from_above = {c for m in grid.merges if m.r0 < r <= m.r1 for c in range(m.c0, m.c1 + 1)}
    stray = 0
    for c, v in enumerate(row):
        t = cell_text(v)
        if not t or c in fields or c in from_above:
            continue
        if len(t) > 24:
            return False
        stray += 1
    return stray <= 1


def _two_row(r: int, below: dict, spans: dict[tuple[int, int], Merge]) -> bool:
    """Row r+1 is the second header row when its labels sit under a cell of row r
    merged across several columns (责任单位 → 牵头单位 | 配合单位)."""
    return any(m.r0 == r == m.r1 and m.c0 <= c <= m.c1 for m in spans.values() for c in below)
