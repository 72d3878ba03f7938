"""Table layout → Tasks: merges resolved, blanks inherited, sections kept, units split.

docs/SPEC.md §1: a vertically merged cell's value belongs to every row it spans, and merges are
authoritative (where a column has merges, its blank cells are blank). Where a column has
no merges at all (a table pasted from Word), a blank cell inherits the value above only in
a row that does not start a new task; a row starts a new task when it has its own 序号 or
its task text opens with a number. Grouping columns (section, level-1) always inherit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .deadlines import deadline_in_text, parse_cell_date, parse_deadline
from .model import Grid, Task, col_letter
from .table import NUMBERED, SECTION_L1, SECTION_L2, Layout
from .textnorm import cell_number, cell_text
from .units import split_units

# Columns that inherit a blank only within a task; grouping columns always inherit.
WITHIN_TASK = ("seq", "task", "lead", "responsible", "deadline", "level2", "row_points")
GROUPING = ("section", "subsection", "level1")
FOOTER = re.compile(r"^\s*(?:注\s*\d?\s*[:：]|备\s*注\s*[:：]|说\s*明\s*[:：]|抄\s*送\s*[:：]|"
                    r"(?:填报人|填表人|审核人|联系人|联系电话|制表人?|签发人?|单位负责人|主要负责人)\s*[:：])")
_SPACE = re.compile(r"\s+")
_LEVEL1 = re.compile(r"^(?P<name>.*?)\s*[（(]\s*(?P<points>\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")


def join_lines(text: str) -> str:
    """Lines of a multi-line cell joined: no space between CJK characters, one between words."""
    if not text:
        return ""
    if "\n" not in text and "\r" not in text:
        return text.strip()
    lines = [ln.strip() for ln in re.split(r"\r?\n|\r", text)]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and ln[0].isascii() and ln[0].isalnum():
            out += " "
        out += ln
    return out


def parse_level1(text: str) -> tuple[str | None, float | None]:
    """"组\\n织\\n领\\n导\\n（10）" → ("组织领导", 10.0)."""
    if not text:
        return None, None
    t = _SPACE.sub("", text)
    if not t:
        return None, None
    m = _LEVEL1.match(t)
    if m:
        pts = float(m["points"])
        return m["name"], int(pts) if pts.is_integer() else pts
    return t, None


@lru_cache(maxsize=4096)
def _units(lead_text: str, resp_text: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Lead and responsible units of a row from its two unit cells (either may name both)."""
    lead_u = split_units(lead_text, "lead")
    resp_u = split_units(resp_text, "responsible")
    return (tuple(dict.fromkeys(lead_u.lead + resp_u.lead)),
            tuple(dict.fromkeys(lead_u.responsible + resp_u.responsible)), lead_u.others or resp_u.others)


@lru_cache(maxsize=1024)
def _no_space(text: str) -> str | None:
    return _SPACE.sub("", text) or None


def _merges_over(grid: Grid, cols: set[int], r0: int, r1: int) -> tuple[dict, set[int]]:
    """For the data rows r0..r1-1: row -> {col: anchor} of the cells merged over from
    another cell (most rows: none), and the table columns that hold a vertical merge."""
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    merged_cols: set[int] = set()
    for m0, c0, m1, c1 in grid.merges:
        if m1 < r0 or m0 >= r1:
            continue
        if c0 == c1:  # one column merged down (most merges of a ledger): its rows below the anchor
            if m1 > m0:
                if c0 in cols:
                    merged_cols.add(c0)
                a = (m0, c0)
                for r in range(max(m0 + 1, r0), min(m1 + 1, r1)):
                    here = covered.get(r)
                    if here is None:
                        covered[r] = {c0: a}
                    else:
                        here[c0] = a
            continue
        # across several columns: every cell but the anchor, on each of its rows
        if m1 > m0:
            merged_cols.update(c for c in range(c0, c1 + 1) if c in cols)
        a = (m0, c0)
        for r in range(max(m0, r0), min(m1 + 1, r1)):
            here = covered.setdefault(r, {})
            for c in range(c0 + 1 if r == m0 else c0, c1 + 1):
                here[c] = a
    return covered, merged_cols


def _inheriting(cols: dict[str, int], task_col: int, merged_cols: set[int]) -> tuple[list[str], list[str]]:
    """The fields whose blank cells take the value above: always (grouping columns), and only
    in a row that does not start a new task nor a new section."""
    always, within = [], []
    for f, c in cols.items():
        if c in merged_cols:
            continue  # merges are authoritative: a blank in a merged column is blank
        if f in GROUPING:
            always.append(f)
        elif f in WITHIN_TASK or (f == "requirement" and c == task_col):
            within.append(f)
    return always, within


class _Columns:
    """The table's columns as every row consults them, worked out once per table."""

    __slots__ = ("fields", "items", "letters", "task", "seq", "deadline", "done", "self_score", "score",
                 "points", "table", "sections", "data", "span", "header_words")

    def __init__(self, lay: Layout, task_col: int):
        cols = self.fields = dict(lay.columns)
        self.items = list(cols.items())
        self.letters = {f: col_letter(c) for f, c in cols.items()}
        self.task = task_col
        self.seq, self.deadline, self.done = cols.get("seq"), cols.get("deadline"), cols.get("done_date")
        self.self_score, self.score, self.points = cols.get("self_score"), cols.get("score"), cols.get("row_points")
        self.table = set(cols.values())
        self.sections = {cols[k] for k in ("section", "subsection") if k in cols}
        self.data = self.table - self.sections
        self.span = range(min(self.table), max(self.table) + 1)
        self.header_words = {_SPACE.sub("", t) for t in lay.headers.values() if t}


# The cells of one data row, as _plain_cells and _merged_cells give them: own (col -> text
# of the row's own cells), shown (col -> text shown, own or merged down from above) and
# raws (col -> value of the shown cells that are not text: dates, numbers).
_Cells = tuple[dict[int, str], dict[int, str], dict[int, object]]


def _plain_cells(row, span: range) -> _Cells:
    """A row with nothing merged over it (every row of a table pasted from Word)."""
    own: dict[int, str] = {}
    raws: dict[int, object] = {}
    # (strict=False: a short row ends early, and its missing cells are blank)
    for c, v in zip(span, row[span.start:span.stop], strict=False):
        if v.__class__ is str:
            if t := v.strip():
                own[c] = t
        elif v is not None:
            raws[c] = v
            if t := cell_text(v):
                own[c] = t
    return own, own, raws


def _merged_cells(grid: Grid, row, span: range, merged_here: dict, anchors: dict) -> _Cells:
    """A row with cells merged over it; ``anchors`` remembers each anchor's (text, value)."""
    own: dict[int, str] = {}
    shown: dict[int, str] = {}
    raws: dict[int, object] = {}
    n = len(row)
    for c in span:
        a = merged_here.get(c)
        if a is None:
            v = row[c] if c < n else None
            if v.__class__ is str:
                if t := v.strip():
                    own[c] = shown[c] = t
            elif v is not None:
                raws[c] = v
                if t := cell_text(v):
                    own[c] = shown[c] = t
        elif a[1] == c:  # merged down from above: shown here, not this row's own
            got = anchors.get(a)
            if got is None:
                v = grid.raw(*a)
                got = anchors[a] = (v.strip(), None) if v.__class__ is str else (cell_text(v), v)
            if got[0]:
                shown[c] = got[0]
                if got[1] is not None:
                    raws[c] = got[1]
        # else: horizontal continuation, the value belongs to the anchor column
    return own, shown, raws


# what a data row is, apart from a task
_END, _SKIP, _SECTION, _SUBSECTION, _TASK = range(5)


def _row_role(own: dict[int, str], cols: _Columns) -> tuple[int, str | None]:
    """(role, heading text): a footer ends the table, a repeated header or a row of section
    cells only is skipped, a row holding just 一、… or （一）… is a section heading."""
    texts = list(own.values())
    first = texts[0]
    if (":" in first or "：" in first) and FOOTER.match(first) and len(set(texts)) <= 2 \
            and set(own) - cols.sections:  # (every footer label ends with a colon)
        # a note or signature line ends the table: its label comes first and nothing
        # else in the row sits in a table column ("填报人：张三 … 联系电话：…")
        if not (set(own) - {min(own)}) & cols.table:
            return _END, None
    if max(map(len, texts)) <= 24 and {_SPACE.sub("", t) for t in texts} <= cols.header_words:
        return _SKIP, None  # header repeated after a page break
    if cols.sections.isdisjoint(own) and texts.count(first) == len(texts):
        if SECTION_L1.match(first):
            return _SECTION, join_lines(first)
        if SECTION_L2.match(first):
            return _SUBSECTION, join_lines(first)
    if own.keys().isdisjoint(cols.data):
        return _SKIP, None  # only section cells of its own: nothing to do in this row
    return _TASK, None


class _Memo:
    """What rows of one table share: parsed deadlines, the field sets of own cells, anchors."""

    __slots__ = ("deadlines", "own_fields", "anchors")

    def __init__(self):
        self.deadlines: dict = {}  # deadline cell (text or date) -> Deadline
        self.own_fields: dict[tuple[int, ...], frozenset] = {}
        self.anchors: dict[tuple[int, int], tuple[str, object]] = {}


def _seq_of(values: dict[str, str], cols: _Columns, task_text: str) -> str | None:
    """The row's 序号: its 序号 cell, else the number that opens its task text."""
    if cols.seq is not None:
        seq = values["seq"].rstrip(".、．") or None  # (texts are stripped)
        if seq is not None:
            return seq
    m = NUMBERED.match(task_text)
    return (m.group(1) or m.group(2)) if m else None


def _make_task(r: int, cells: _Cells, values: dict[str, str], starts: bool, headings: tuple,
               cols: _Columns, memo: _Memo, year: int | None, issued) -> Task:
    """The Task of data row r (0-based) from its cells and its values after inheritance."""
    has = cols.fields
    own_cells, shown, raws = cells
    get = shown.get
    section = (join_lines(values["section"]) or None) if "section" in has else headings[0]
    subsection = (join_lines(values["subsection"]) or None) if "subsection" in has else headings[1]
    task_text = values["task"]
    seq = _seq_of(values, cols, task_text)
    requirement = (join_lines(values["requirement"]) or None) if "requirement" in has and "task" in has else None
    lead_units, responsible_units, others = _units(values["lead"] if "lead" in has else "",
                                                   values["responsible"] if "responsible" in has else "")
    # a date typed as a date counts as that date; text (own or inherited) is parsed
    dl = raws.get(cols.deadline) or values.get("deadline", "")
    deadline = memo.deadlines.get(dl)
    if deadline is None:
        deadline = memo.deadlines[dl] = parse_deadline(dl, year, issued)
    if cols.deadline is None:  # no deadline column: a deadline written in the text, if any
        deadline = (deadline_in_text(task_text, year, issued)
                    or deadline_in_text(values.get("requirement", ""), year, issued) or deadline)
    level1, points = parse_level1(values["level1"]) if "level1" in has else (None, None)
    level2 = (join_lines(values["level2"]) or None) if "level2" in has else None
    row_points = cell_number(raws.get(cols.points, get(cols.points))) if cols.points is not None else None
    status = values["status"] if "status" in has else None
    status = _no_space(status) if status else None
    done_date = raws.get(cols.done, get(cols.done))  # a date or number as read, else the text shown
    self_score = raws.get(cols.self_score, get(cols.self_score)) if cols.self_score is not None else None
    score = raws.get(cols.score, get(cols.score)) if cols.score is not None else None
    key = tuple(own_cells)  # rows mostly share a few patterns of own cells
    own = memo.own_fields.get(key)
    if own is None:
        own = memo.own_fields[key] = frozenset([f for f, c in cols.items if c in own_cells])
    done_on = parse_cell_date(done_date) if done_date is not None else None
    # positional, in the order of Task's fields: keywords cost twice as much, once per row of
    # every ledger (test_every_column_lands_in_its_own_task_field keeps the order honest)
    return Task(r + 1, seq, section, subsection, join_lines(task_text), requirement, list(lead_units),
                list(responsible_units), others, deadline, level1, points, level2, row_points, status,
                done_date, values.get("progress") or None, values.get("evidence") or None, self_score,
                score, starts, own, cols.letters, values, done_on)


def _inherit(values: dict[str, str], prev: dict[str, str], starts: bool, always: list[str], within: list[str],
             grouping: list[str]) -> None:
    """Blank cells of a task row take the previous task row's values: grouping columns always,
    the others only within one task of one section."""
    for f in always:
        if not values[f]:
            values[f] = prev[f]
    # a new section (own cell of a section column) ends "same as above" as a heading row does
    if not starts and not any(values[f] != prev[f] for f in grouping):
        for f in within:
            if not values[f]:
                values[f] = prev[f]


def build_tasks(grid: Grid, lay: Layout, year: int | None, issued) -> list[Task]:
    """The tasks of a table: each data row's cells read (merges resolved), its role decided
    (footer, repeated header, section heading, task), blanks inherited, one Task made."""
    task_col = lay.columns.get("task", lay.columns.get("requirement"))
    if task_col is None:
        return []
    cols = _Columns(lay, task_col)
    d0, d1 = lay.data_start, lay.data_end
    covered, merged_cols = _merges_over(grid, cols.table, d0, d1)
    always, within = _inheriting(cols.fields, task_col, merged_cols)
    grouping = [f for f in GROUPING if f in cols.fields]
    memo = _Memo()
    rows, span, items = grid.rows, cols.span, cols.items
    tasks: list[Task] = []
    prev: dict[str, str] = {}
    headings: tuple[str | None, str | None] = (None, None)  # section, subsection from heading rows
    for r in range(d0, d1):
        row = rows[r] if r < len(rows) else ()
        merged_here = covered.get(r)
        cells = (_plain_cells(row, span) if merged_here is None
                 else _merged_cells(grid, row, span, merged_here, memo.anchors))
        own, shown, _ = cells
        if not own:
            continue
        role, heading = _row_role(own, cols)
        if role == _END:
            break
        if role == _SECTION:
            headings = (heading, None)
        elif role == _SUBSECTION:
            headings = (headings[0], heading)
        if role in (_SECTION, _SUBSECTION):
            prev = {}  # a blank cell never takes a value from another section
        if role != _TASK:
            continue
        starts = cols.seq in own or (task_col in own and NUMBERED.match(own[task_col]) is not None)
        get = shown.get
        values = {f: get(c, "") for f, c in items}
        if prev:
            _inherit(values, prev, starts, always, within, grouping)
        if "task" not in cols.fields and not values.get("task"):
            values["task"] = values.get("requirement", "")
        tasks.append(_make_task(r, cells, values, starts, headings, cols, memo, year, issued))
        prev = values
    return tasks
