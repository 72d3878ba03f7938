"""Plain data that flows through xltool: Grid → Table → Task → Finding. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .deadlines import Deadline
from .textnorm import cell_text


def col_letter(c: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_ref(r: int, c: int) -> str:
    """0-based (row, col) → "B7"."""
    return f"{col_letter(c)}{r + 1}"


def parse_cell(ref: str) -> tuple[int, int]:
    """"B7" (or "$B$7", "b7") → 0-based (row, col): the inverse of cell_ref."""
    ref = ref.replace("$", "")
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """"A3:B7" (or a single cell) → 0-based (r0, c0, r1, c1)."""
    first, _, last = ref.partition(":")
    (r0, c0), (r1, c1) = parse_cell(first), parse_cell(last or first)
    return r0, c0, r1, c1


class Merge(NamedTuple):
    """A merged range, 0-based and inclusive (a tuple: a sheet may have thousands)."""

    r0: int
    c0: int
    r1: int
    c1: int

    @property
    def vertical(self) -> bool:
        return self.r1 > self.r0

    @property
    def ref(self) -> str:
        return f"{cell_ref(self.r0, self.c0)}:{cell_ref(self.r1, self.c1)}"


# A merge of up to this many cells is looked up cell by cell (a dict); a larger one by its
# range, so that a merge over a whole sheet costs one entry, not a million
_SMALL_MERGE = 64


@dataclass
class Grid:
    """One sheet as plain values in absolute coordinates (row 0 is Excel row 1)."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False
    bad_merges: list[Merge] = field(default_factory=list)  # left out of merges: they would hide the table

    def __post_init__(self):
        self._anchor_map: dict[tuple[int, int], tuple[int, int]] | None = None
        self._large: list[Merge] = []
        self._by_anchor: dict[tuple[int, int], Merge] | None = None

    @property
    def _anchor(self) -> dict[tuple[int, int], tuple[int, int]]:
        """(r, c) -> the top-left cell of the small merge it lies in; built on first use
        (most rows of a batch check never ask). Large merges stay ranges (_large)."""
        if self._anchor_map is None:
            amap: dict[tuple[int, int], tuple[int, int]] = {}
            large = []
            for m in self.merges:
                if (m.r1 - m.r0 + 1) * (m.c1 - m.c0 + 1) > _SMALL_MERGE:
                    large.append(m)
                    continue
                a = (m.r0, m.c0)
                for r in range(m.r0, m.r1 + 1):
                    for c in range(m.c0, m.c1 + 1):
                        amap[(r, c)] = a
            self._large = large
            self._anchor_map = amap
        return self._anchor_map

    def _large_at(self, r: int, c: int) -> Merge | None:
        for m in self._large:
            if m.r0 <= r <= m.r1 and m.c0 <= c <= m.c1:
                return m
        return None

    @property
    def width(self) -> int:
        w = max((len(r) for r in self.rows), default=0)
        return max(w, max(m.c1 for m in self.merges) + 1) if self.merges else w

    @property
    def height(self) -> int:
        return len(self.rows)

    def texts(self, r0: int = 0, r1: int | None = None) -> list[list[str]]:
        """Rows r0..r1-1 as the text a person sees in each cell."""
        r1 = self.height if r1 is None else min(r1, self.height)
        return [[cell_text(v) for v in self.rows[r]] for r in range(max(r0, 0), r1)]

    def raw(self, r: int, c: int) -> Any:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                v = row[c]
                return None if v == "" else v
        return None

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        """The top-left cell of the merge (r, c) lies in, or (r, c) itself."""
        if not self.merges:
            return (r, c)
        a = self._anchor.get((r, c))
        if a is not None:
            return a
        m = self._large_at(r, c) if self._large else None
        return (m.r0, m.c0) if m is not None else (r, c)

    def value(self, r: int, c: int) -> Any:
        """The value a cell shows: a merged cell shows its anchor's value."""
        return self.raw(*self.anchor(r, c))

    def merge_at(self, r: int, c: int) -> Merge | None:
        if not self.merges:
            return None
        a = self._anchor.get((r, c))
        if a is None:
            return self._large_at(r, c) if self._large else None
        if self._by_anchor is None:
            self._by_anchor = {(m.r0, m.c0): m for m in self.merges}
        return self._by_anchor[a]


def sound_merges(merges, height: int, width: int) -> tuple[list[Merge], list[Merge]]:
    """(merges clipped to the used area, merges that would hide the table): a merge over
    two rows and two columns or more that covers a quarter of the used area (and at least
    fifty cells) is no layout a ledger has, and read as if unmerged."""
    kept, bad = [], []
    area = max(height * width, 1)
    for m in merges:
        r1, c1 = min(m.r1, height - 1), min(m.c1, width - 1)
        if r1 < m.r0 or c1 < m.c0:
            continue  # wholly outside the cells the sheet has
        rows, cols = m.r1 - m.r0 + 1, m.c1 - m.c0 + 1
        if rows >= 2 and cols >= 2 and min(rows * cols, area) * 4 >= area and rows * cols >= 50:
            bad.append(m)
            continue
        kept.append(m if (r1, c1) == (m.r1, m.c1) else Merge(m.r0, m.c0, r1, c1))
    return kept, bad


@dataclass
class Book:
    """A workbook read into grids."""

    path: str
    format: str  # xlsx | xlsm | xls | docx | doc | pdf
    sheets: list[Grid]
    notes: list[str] = field(default_factory=list)  # things the reader wants the user to know
    context: list[str] = field(default_factory=list)  # text around the tables (Word notices)


@dataclass(slots=True)
class Task:
    """One row of a task table, with merges resolved and units split."""

    excel_row: int
    seq: str | None
    section: str | None
    subsection: str | None
    task: str
    requirement: str | None
    lead_units: list[str]
    responsible_units: list[str]
    others: bool
    deadline: Deadline
    level1: str | None = None
    points: float | None = None
    level2: str | None = None
    row_points: float | None = None
    status: str | None = None
    done_date: Any = None  # raw cell value
    progress: str | None = None
    evidence: str | None = None
    self_score: Any = None
    score: Any = None
    starts_task: bool = True
    own: frozenset = frozenset()  # fields whose value stands in this row (not inherited)
    letters: dict = field(default_factory=dict, repr=False)  # field -> column letter, shared by the table's rows
    texts: dict = field(default_factory=dict)  # field -> raw text as shown
    done_on: dt.date | None = None  # the completion date typed in the row, if it is a date

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(self.lead_units + self.responsible_units))

    def cell(self, fld: str) -> str | None:
        """The cell of this row in the field's column ("B7"), None if the table lacks it."""
        letter = self.letters.get(fld)
        return f"{letter}{self.excel_row}" if letter is not None else None

    def record(self) -> dict:
        """Every field of the row, for a table of tasks (``to_json`` keeps the shape of docs/SPEC.md)."""
        return {"excel_row": self.excel_row, "seq": self.seq, "section": self.section, "subsection": self.subsection,
                "task": self.task, "requirement": self.requirement, "lead_units": list(self.lead_units),
                "responsible_units": list(self.responsible_units), "others": self.others,
                "deadline": self.deadline.text, "deadline_kind": self.deadline.kind, "due": self.deadline.due,
                "milestones": list(self.deadline.milestones), "level1": self.level1, "points": self.points,
                "level2": self.level2, "row_points": self.row_points, "status": self.status,
                "done_date": self.done_on or self.done_date, "progress": self.progress, "evidence": self.evidence,
                "self_score": self.self_score, "score": self.score}

    def to_json(self) -> dict:
        return {
            "excel_row": self.excel_row,
            "seq": self.seq,
            "section": self.section,
            "subsection": self.subsection,
            "task": self.task,
            "requirement": self.requirement,
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
            "others": self.others,
            "deadline": self.deadline.to_json(),
            "level1": self.level1,
            "points": self.points,
            "level2": self.level2,
            "status": self.status,
        }


@dataclass
class Table:
    """A task table found in a sheet."""

    sheet: str
    kind: str
    header_row: int  # Excel row number of the (first) header row
    data_row: int  # Excel row number of the first row below the header
    columns: dict[str, int]  # field -> 0-based column
    headers: dict[str, str]  # field -> header text as written
    tasks: list[Task] = field(default_factory=list)
    title: str | None = None
    year: int | None = None
    issued: dt.date | None = None
    unit: str | None = None  # the 填报单位 named above the table
    report_date: dt.date | None = None  # the 填报日期 named above the table
    notes: list[str] = field(default_factory=list)
    hidden: bool = False
    year_source: str | None = None  # where the plan year came from: 标题或通知 / --year / 发文日期 / 基准日期
    unmapped: dict[str, str] = field(default_factory=dict)  # column letter -> header text the reader ignored

    def has(self, fld: str) -> bool:
        return fld in self.columns

    def to_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "kind": self.kind,
            "header_row": self.header_row,
            "title": self.title,
            "year": self.year,
            "issued": self.issued.isoformat() if self.issued else None,
            "unit": self.unit,
            "columns": {k: cell_ref(self.header_row - 1, c)[:-len(str(self.header_row))]
                        for k, c in self.columns.items()},
            "year_source": self.year_source,
            "unmapped_headers": self.unmapped,
            "notes": self.notes,
            "tasks": [t.to_json() for t in self.tasks],
        }


class Records:
    """Results that are tables: ``records()`` gives plain dicts, ``to_frame()`` a pandas
    DataFrame of them (pandas is imported only here)."""

    def records(self) -> list[dict]:
        raise NotImplementedError

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame.from_records(self.records())


SEVERITIES = ("error", "warning", "info")
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
# the columns of a findings list in a workbook (检查结果 sheets), as Finding.as_row gives them
FINDING_COLUMNS = ("工作表", "单元格", "级别", "规则", "问题", "原值", "建议")


def worst_severity(findings) -> str:
    """The most serious severity among some findings (for a cell's colour)."""
    return min((f.severity for f in findings), key=SEVERITIES.index)


@dataclass(slots=True)
class Finding:
    """One problem found in a ledger: data, not an exception."""

    rule: str
    code: str
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    excel_row: int | None = None
    value: str | None = None
    suggestion: str | None = None

    def __reduce__(self):
        # a batch sends every finding from a worker process: a plain argument tuple
        # pickles three times faster than the dataclass's generic state
        return (Finding, (self.rule, self.code, self.severity, self.message, self.sheet, self.cell,
                          self.excel_row, self.value, self.suggestion))

    @property
    def title(self) -> str:
        """The rule's Chinese title, for people (JSON and config keep the English name)."""
        from .rules import rule_title

        return rule_title(self.rule)

    def as_row(self) -> list:
        """The finding under FINDING_COLUMNS."""
        return [self.sheet, self.cell, SEVERITY_CN[self.severity], self.title, self.message, self.value,
                self.suggestion]

    def to_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "excel_row": self.excel_row,
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "value": self.value,
            "suggestion": self.suggestion,
        }
