"""Table layout → Tasks: merges resolved, blanks inherited, sections kept, units split.

SPEC §1: a vertically merged cell's value belongs to every row it spans, and merges are
authoritative (where a column has merges, its blank cells are blank). Where a column has
no merges at all (a table pasted from Word), a blank cell inherits the value above only in
a row that does not start a new task; a row starts a new task when it has its own 序号 or
its task text opens with a number. Grouping columns (section, level-1) always inherit.
"""

from __future__ import annotations

import re

from .deadlines import parse_deadline
from .model import Grid, RowCells, Task, col_letter
from .table import NUMBERED, SECTION_L1, SECTION_L2, Layout
from .textnorm import cell_text
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


def _number(v) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return v
    t = cell_text(v).rstrip("分")
    try:
        return float(t) if t else None
    except ValueError:
        return None


def _seq_text(v) -> str | None:
    t = cell_text(v).strip().rstrip(".、．")
    return t or None


def _vertical_merge_cols(grid: Grid, cols: set[int], r0: int, r1: int) -> set[int]:
    out = set()
    for m in grid.merges:
        if m.vertical and m.r1 >= r0 and m.r0 < r1:
            out.update(c for c in cols if m.c0 <= c <= m.c1)
    return out


def build_tasks(grid: Grid, lay: Layout, year: int | None, issued) -> list[Task]:
    cols = dict(lay.columns)
    letters = {f: col_letter(c) for f, c in cols.items()}
    task_col = cols.get("task", cols.get("requirement"))
    if task_col is None:
        return []
    merged_cols = _vertical_merge_cols(grid, set(cols.values()), lay.data_start, lay.data_end)
    section_cols = {cols[k] for k in ("section", "subsection") if k in cols}
    table_cols = set(cols.values())
    lo, hi = min(table_cols), max(table_cols)
    tasks: list[Task] = []
    prev: dict[str, str] = {}
    row_section: str | None = None
    row_subsection: str | None = None
    header_words = {re.sub(r"\s+", "", t) for t in lay.headers.values() if t}

    rows = grid.rows
    span = range(lo, hi + 1)
    data_cols = table_cols - section_cols
    # row -> {col: anchor} for the cells merged over from another cell (most rows: none)
    covered: dict[int, dict[int, tuple[int, int]]] = {}
    for m in grid.merges:
        if m.r1 < lay.data_start or m.r0 >= lay.data_end:
            continue
        for r in range(max(m.r0, lay.data_start), min(m.r1, lay.data_end - 1) + 1):
            for c in range(m.c0, m.c1 + 1):
                if (r, c) != (m.r0, m.c0):
                    covered.setdefault(r, {})[c] = (m.r0, m.c0)
    for r in range(lay.data_start, lay.data_end):
        own: dict[int, str] = {}
        shown: dict[int, str] = {}
        row = rows[r] if r < len(rows) else ()
        n = len(row)
        merged_here = covered.get(r)
        for c in span:
            a = merged_here.get(c) if merged_here else None
            if a is None:
                v = row[c] if c < n else None
                if v is None or v == "":
                    continue
                t = v.strip() if type(v) is str else cell_text(v)
                if t:
                    shown[c] = own[c] = t
            elif a[1] == c:  # merged down from above: shown here, not this row's own
                t = cell_text(grid.raw(*a))
                if t:
                    shown[c] = t
            # else: horizontal continuation, the value belongs to the anchor column
        if not own:
            continue
        texts = list(dict.fromkeys(own.values()))
        if FOOTER.match(texts[0]) and len(texts) <= 2 and set(own) - section_cols:
            # a note or signature line ends the table: its label comes first and nothing
            # else in the row sits in a table column ("填报人：张三 … 联系电话：…")
            if not (set(own) - {min(own)}) & table_cols:
                break
        if all(len(t) <= 24 for t in texts) and {_SPACE.sub("", t) for t in texts} <= header_words:
            continue  # header repeated after a page break
        if len(texts) == 1 and not (set(own) & section_cols):
            if SECTION_L1.match(texts[0]):
                row_section, row_subsection = join_lines(texts[0]), None
                continue
            if SECTION_L2.match(texts[0]):
                row_subsection = join_lines(texts[0])
                continue
        if own.keys().isdisjoint(data_cols):
            continue  # only section cells of its own: nothing to do in this row

        seq_own = "seq" in cols and cols["seq"] in own
        task_own = task_col in own
        task_text = shown.get(task_col, "")
        numbered = NUMBERED.match(task_text) if task_own else None
        starts = bool(seq_own and own[cols["seq"]]) or bool(numbered)

        values: dict[str, str] = {}
        for f, c in cols.items():
            v = shown.get(c, "")
            if not v and c not in merged_cols and tasks:
                if f in GROUPING or (f in WITHIN_TASK and not starts) or (f == "requirement" and task_col == c and not starts):
                    v = prev.get(f, "")
            values[f] = v
        if not values.get("task") and "task" not in cols:
            values["task"] = values.get("requirement", "")

        if "section" in cols:
            section = join_lines(values["section"]) or None
        else:
            section = row_section
        subsection = join_lines(values.get("subsection", "")) or (None if "subsection" in cols else row_subsection)

        seq = _seq_text(values.get("seq")) if "seq" in cols else None
        if seq is None:
            m = NUMBERED.match(values.get("task", ""))
            if m:
                seq = m.group(1) or m.group(2)

        lead_u = split_units(values.get("lead", ""), "lead")
        resp_u = split_units(values.get("responsible", ""), "responsible")
        lead_units = list(dict.fromkeys(lead_u.lead + resp_u.lead))
        resp_units = list(dict.fromkeys(lead_u.responsible + resp_u.responsible))

        dl_col = cols.get("deadline")
        dl_raw = grid.value(r, dl_col) if dl_col is not None and shown.get(dl_col) else values.get("deadline", "")
        deadline = parse_deadline(dl_raw if dl_raw not in (None, "") else values.get("deadline", ""), year, issued)

        level1, points = parse_level1(values.get("level1", ""))
        own_fields = frozenset(f for f, c in cols.items() if c in own)
        task = Task(
            excel_row=r + 1,
            seq=seq,
            section=section,
            subsection=subsection,
            task=join_lines(values.get("task", "")),
            requirement=(join_lines(values["requirement"]) or None) if "requirement" in cols and "task" in cols else None,
            lead_units=lead_units,
            responsible_units=resp_units,
            others=lead_u.others or resp_u.others,
            deadline=deadline,
            level1=level1,
            points=points,
            level2=join_lines(values.get("level2", "")) or None,
            row_points=_number(grid.value(r, cols["row_points"])) if "row_points" in cols else None,
            status=_SPACE.sub("", values.get("status", "")) or None,
            done_date=grid.value(r, cols["done_date"]) if "done_date" in cols else None,
            progress=values.get("progress") or None,
            evidence=values.get("evidence") or None,
            self_score=grid.value(r, cols["self_score"]) if "self_score" in cols else None,
            score=grid.value(r, cols["score"]) if "score" in cols else None,
            starts_task=starts,
            own=own_fields,
            cells=RowCells(letters, r + 1),
            texts=values,
        )
        tasks.append(task)
        prev = values
    return tasks
