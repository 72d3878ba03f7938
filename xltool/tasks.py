"""Table layout → Tasks: merges resolved, blanks inherited, sections kept, units split.

SPEC §1: a vertically merged cell's value belongs to every row it spans, and merges are
authoritative (where a column has merges, its blank cells are blank). Where a column has
no merges at all (a table pasted from Word), a blank cell inherits the value above only in
a row that does not start a new task; a row starts a new task when it has its own 序号 or
its task text opens with a number. Grouping columns (section, level-1) always inherit.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .deadlines import parse_cell_date, parse_deadline
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


# how a blank cell of a column takes the value above: always, or only in a row that does
# not start a new task
_ALWAYS, _WITHIN = 1, 2


def _inheriting(cols: dict[str, int], task_col: int, merged_cols: set[int]) -> list[tuple[str, int]]:
    """(field, _ALWAYS or _WITHIN) for the columns whose blank cells take the value above."""
    out = []
    for f, c in cols.items():
        if c in merged_cols:
            continue  # merges are authoritative: a blank in a merged column is blank
        if f in GROUPING:
            out.append((f, _ALWAYS))
        elif f in WITHIN_TASK or (f == "requirement" and c == task_col):
            out.append((f, _WITHIN))
    return out


def build_tasks(grid: Grid, lay: Layout, year: int | None, issued) -> list[Task]:
    cols = dict(lay.columns)
    letters = {f: col_letter(c) for f, c in cols.items()}
    task_col = cols.get("task", cols.get("requirement"))
    if task_col is None:
        return []
    d0, d1 = lay.data_start, lay.data_end
    table_cols = set(cols.values())
    covered, merged_cols = _merges_over(grid, table_cols, d0, d1)
    inherit = _inheriting(cols, task_col, merged_cols)
    col_items = list(cols.items())
    section_cols = {cols[k] for k in ("section", "subsection") if k in cols}
    data_cols = table_cols - section_cols
    lo, hi = min(table_cols), max(table_cols)
    seq_col = cols.get("seq")
    dl_col = cols.get("deadline")
    done_col, self_col, score_col = cols.get("done_date"), cols.get("self_score"), cols.get("score")
    points_col = cols.get("row_points")
    has_task, has_section, has_subsection = "task" in cols, "section" in cols, "subsection" in cols
    has_level1, has_level2 = "level1" in cols, "level2" in cols
    has_lead, has_resp, has_status = "lead" in cols, "responsible" in cols, "status" in cols
    req_and_task = "requirement" in cols and has_task
    header_words = {_SPACE.sub("", t) for t in lay.headers.values() if t}
    rows = grid.rows

    own_sets: dict[tuple[int, ...], frozenset] = {}
    deadlines: dict = {}  # deadline cell (text or date) -> Deadline: rows share a few
    anchor_cell: dict[tuple[int, int], tuple[str, object]] = {}  # anchor -> (text, value if not text)
    tasks: list[Task] = []
    prev: dict[str, str] = {}
    row_section: str | None = None
    row_subsection: str | None = None
    crange = range(lo, hi + 1)
    for r in range(d0, d1):
        row = rows[r] if r < len(rows) else ()
        merged_here = covered.get(r)
        own: dict[int, str] = {}  # col -> text of the row's own cells
        raws: dict[int, object] = {}  # col -> value, for the shown cells that are not text (dates, numbers)
        if merged_here is None:  # most rows of a table pasted from Word, some of a merged one
            shown = own  # col -> text shown
            # (strict=False: a short row ends early, and its missing cells are blank)
            for c, v in zip(crange, row[lo:hi + 1], strict=False):
                if v.__class__ is str:
                    if t := v.strip():
                        own[c] = t
                elif v is not None:
                    raws[c] = v
                    if t := cell_text(v):
                        own[c] = t
        else:
            shown = {}  # col -> text shown, own or merged down from above
            n = len(row)
            for c in crange:
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
                    got = anchor_cell.get(a)
                    if got is None:
                        v = grid.raw(*a)
                        got = anchor_cell[a] = (v.strip(), None) if v.__class__ is str else (cell_text(v), v)
                    if got[0]:
                        shown[c] = got[0]
                        if got[1] is not None:
                            raws[c] = got[1]
                # else: horizontal continuation, the value belongs to the anchor column
        if not own:
            continue
        texts = list(own.values())
        first = texts[0]
        if (":" in first or "：" in first) and FOOTER.match(first) and len(set(texts)) <= 2 \
                and set(own) - section_cols:  # (every footer label ends with a colon)
            # a note or signature line ends the table: its label comes first and nothing
            # else in the row sits in a table column ("填报人：张三 … 联系电话：…")
            if not (set(own) - {min(own)}) & table_cols:
                break
        if max(map(len, texts)) <= 24 and {_SPACE.sub("", t) for t in texts} <= header_words:
            continue  # header repeated after a page break
        if section_cols.isdisjoint(own) and texts.count(first) == len(texts) \
                and (SECTION_L1.match(first) or SECTION_L2.match(first)):
            if SECTION_L1.match(first):
                row_section, row_subsection = join_lines(first), None
            else:
                row_subsection = join_lines(first)
            continue
        if own.keys().isdisjoint(data_cols):
            continue  # only section cells of its own: nothing to do in this row

        starts = seq_col in own or (task_col in own and NUMBERED.match(own[task_col]) is not None)
        get = shown.get
        values = {f: get(c, "") for f, c in col_items}
        if tasks:
            for f, mode in inherit:
                if not values[f] and (mode == _ALWAYS or not starts):
                    values[f] = prev.get(f, "")
        if not has_task and not values.get("task"):
            values["task"] = values.get("requirement", "")

        section = (join_lines(values["section"]) or None) if has_section else row_section
        subsection = (join_lines(values["subsection"]) or None) if has_subsection else row_subsection
        task_text = values["task"]
        seq = (values["seq"].rstrip(".、．") or None) if seq_col is not None else None  # (texts are stripped)
        if seq is None:
            m = NUMBERED.match(task_text)
            if m:
                seq = m.group(1) or m.group(2)
        lead_units, resp_units, others = _units(values["lead"] if has_lead else "",
                                                values["responsible"] if has_resp else "")
        # a date typed as a date counts as that date; text (own or inherited) is parsed
        dl = raws.get(dl_col) or values.get("deadline", "")
        deadline = deadlines.get(dl)
        if deadline is None:
            deadline = deadlines[dl] = parse_deadline(dl, year, issued)
        level1, points = parse_level1(values["level1"]) if has_level1 else (None, None)
        status = values["status"] if has_status else None
        done_date = raws.get(done_col, get(done_col))  # a date or number as read, else the text shown
        key = tuple(own)  # rows mostly share a few patterns of own cells
        own_fields = own_sets.get(key)
        if own_fields is None:
            own_fields = own_sets[key] = frozenset([f for f, c in col_items if c in own])
        # positional, in the order of Task's fields: a call with 24 keywords costs twice as much,
        # once per row of every ledger (test_every_column_lands_in_its_own_task_field)
        tasks.append(Task(
            r + 1,  # excel_row
            seq,  # seq
            section,  # section
            subsection,  # subsection
            join_lines(task_text),  # task
            (join_lines(values["requirement"]) or None) if req_and_task else None,  # requirement
            list(lead_units),  # lead_units
            list(resp_units),  # responsible_units
            others,  # others
            deadline,  # deadline
            level1,  # level1
            points,  # points
            (join_lines(values["level2"]) or None) if has_level2 else None,  # level2
            cell_number(raws.get(points_col, get(points_col))) if points_col is not None else None,  # row_points
            _no_space(status) if status else None,  # status
            done_date,  # done_date
            values.get("progress") or None,  # progress
            values.get("evidence") or None,  # evidence
            raws.get(self_col, get(self_col)) if self_col is not None else None,  # self_score
            raws.get(score_col, get(score_col)) if score_col is not None else None,  # score
            starts,  # starts_task
            own_fields,  # own
            letters,  # letters
            values,  # texts
            parse_cell_date(done_date) if done_date is not None else None,  # done_on
        ))
        prev = values
    return tasks
