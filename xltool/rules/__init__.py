"""The rule registry. A rule is a small function with a stable name, code and default
severity; its docstring (Chinese, one paragraph) is what ``xltool rules`` prints.

Scopes: ``task`` rules see one task row, ``table`` rules a whole table, ``file`` rules the
whole ledger, ``batch`` rules what only a batch of ledgers shows (the batch runner calls them
through ``batch_finding``). A rule returns what it found: nothing, one ``Hit``, or several (a list, or a
generator that yields them); the engine turns them into Findings with the sheet, cell and
severity filled in, so a new rule is a few lines:

    @rule("done-no-date", "XL302", "warning")
    def done_no_date(task, table, ctx):
        \"\"\"已完成但未填完成日期……\"\"\"
        if ...:
            return Hit("done_date", "已完成但未填写完成日期")

A task rule runs once per row of every ledger in a batch, so most rows should cost it a
test or two and no allocation: return early, build Hits only when something is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..config import Config
from ..model import SEVERITIES, Finding, Table, Task
from ..units import Roster


class Hit(NamedTuple):
    """What a rule reports: the field (column) it is about, or an explicit cell.
    (A tuple: a batch makes tens of thousands of them.)"""

    field: str | None
    message: str
    value: str | None = None
    suggestion: str | None = None
    cell: str | None = None  # overrides field's cell
    row: int | None = None
    sheet: str | None = None


# Every rule's docstring: its Chinese title on the first line, then these sections in this
# order, one line each ("检查内容：…"). `xltool rules NAME` shows them; the registry refuses
# a rule whose doc does not follow the template.
DOC_SECTIONS = ("检查内容", "为什么", "错误写法", "正确写法", "配置项")


def parse_doc(name: str, doc: str | None) -> tuple[str, dict[str, str]]:
    """(title, section -> text) of a rule's docstring; TypeError where it breaks the template."""
    lines = [ln.strip() for ln in (doc or "").strip().splitlines() if ln.strip()]
    if not lines or "：" in lines[0]:
        raise TypeError(f"rule {name}: its docstring must open with a Chinese title on a line of its own")
    sections: dict[str, str] = {}
    for ln in lines[1:]:
        label, sep, text = ln.partition("：")
        if not sep or label not in DOC_SECTIONS or label in sections or not text.strip():
            raise TypeError(f"rule {name}: “{ln[:20]}…” is not one of the sections {'/'.join(DOC_SECTIONS)}")
        sections[label] = text.strip()
    if tuple(sections) != DOC_SECTIONS:
        raise TypeError(f"rule {name}: its doc needs the sections {'/'.join(DOC_SECTIONS)}, in that order")
    return lines[0], sections


@dataclass(frozen=True)
class Rule:
    name: str
    code: str
    severity: str
    scope: str
    func: Callable
    title: str  # what people read: 逾期未完成
    sections: dict[str, str]  # DOC_SECTIONS -> text
    needs: tuple[str, ...] = ()  # the rule applies only to tables with one of these columns
    needs_plan: bool = False

    @property
    def doc(self) -> str:
        """What the rule checks, in one paragraph (its 检查内容)."""
        return self.sections["检查内容"]


RULES: dict[str, Rule] = {}


def rule(name: str, code: str, severity: str, scope: str = "task", needs: tuple[str, ...] = (),
         needs_plan: bool = False):
    """Register a rule; refuses a rule without a docstring or with a clashing name/code."""

    def deco(func):
        title, sections = parse_doc(name, func.__doc__)
        if name in RULES or any(r.code == code for r in RULES.values()):
            raise ValueError(f"rule {name}/{code} registered twice")
        if severity not in SEVERITIES or scope not in ("task", "table", "file", "batch"):
            raise ValueError(f"rule {name}: bad severity or scope")
        RULES[name] = Rule(name, code, severity, scope, func, title, sections, needs, needs_plan)
        return func

    return deco


@dataclass
class Context:
    """What the rules know beyond the table: the date, the config, the roster, the plan."""

    as_of: dt.date
    config: Config = field(default_factory=Config)
    roster: Roster | None = None
    plan: object | None = None  # xltool.plan.Plan
    previous: object | None = None  # xltool.plan.Plan: this unit's ledger of the previous round (--previous)
    units_ok: set = field(default_factory=set, init=False, repr=False)  # unit names that need no finding
    due_soon_until: dt.date = field(init=False, repr=False)  # the last day a deadline counts as due soon

    def __post_init__(self):
        # a plain attribute, set once: due-soon reads it on every row, and a read through a
        # cached_property costs twice that of an attribute (Python 3.11, measured)
        self.due_soon_until = self.as_of + dt.timedelta(days=self.config.due_soon_days)

    def done(self, task: Task) -> bool:
        return self.config.status_class(task.status) == "done"

    def previous_where(self, p: Task) -> str:
        """Where a row of the previous round's ledger is, for messages."""
        from pathlib import Path

        return f"上一轮台账（{Path(self.previous.path).name} 第{p.excel_row}行）"


def hits_of(found) -> list[Hit]:
    """What a rule returned (None, a Hit, or an iterable of Hits) as a list."""
    if found is None:
        return []
    if isinstance(found, Hit):
        return [found]
    return list(found)


def run_rules(ledger, ctx: Context) -> list[Finding]:
    """Every enabled rule over every table of a ledger, findings in sheet/row order."""
    findings: list[Finding] = []
    add = findings.append
    severity = ctx.config.severity

    def emit(r: Rule, found, table: Table | None, task: Task | None):
        sev = severity.get(r.name, r.severity)
        for h in hits_of(found):
            cell = h.cell
            if cell is None and task is not None and h.field is not None:
                cell = task.cell(h.field)
            # (positional: rule, code, severity, message, sheet, cell, excel_row, value, suggestion)
            add(Finding(r.name, r.code, sev, h.message, h.sheet or (table.sheet if table else None), cell,
                        h.row if h.row is not None else (task.excel_row if task else None), h.value, h.suggestion))

    active = [r for r in RULES.values() if r.name not in ctx.config.disabled]
    for r in active:
        if r.scope == "file":
            emit(r, r.func(ledger, ctx), None, None)
    for table in ledger.tables:
        usable = [r for r in active if (not r.needs or any(table.has(f) for f in r.needs))
                  and (not r.needs_plan or ctx.plan is not None)]
        for r in usable:
            if r.scope == "table":
                emit(r, r.func(table, ctx), table, None)
        task_rules = [(r, r.func) for r in usable if r.scope == "task"]
        for task in table.tasks:
            for r, func in task_rules:
                found = func(task, table, ctx)
                if found:  # most rules find nothing in most rows: no call, no loop
                    emit(r, found, table, task)
    return sort_findings(findings, [s.name for s in getattr(ledger.book, "sheets", [])])


def sort_findings(findings: list[Finding], sheet_order: list[str] | None = None) -> list[Finding]:
    """In place, by sheet (workbook order, else order of first appearance), row, column."""
    order = {name: i for i, name in enumerate(sheet_order or [])}
    for f in findings:
        order.setdefault(f.sheet, len(order))
    findings.sort(key=lambda f: (order[f.sheet], f.excel_row or 0, _col_key(f.cell)))
    return findings


def _col_key(cell: str | None) -> tuple:
    if not cell:
        return (0, "")
    letters = cell.rstrip("0123456789")  # cells are "E7", "AB12"
    return (len(letters), letters)


def batch_finding(name: str, config: Config, hit: Hit) -> Finding | None:
    """The finding of a batch rule (one that sees several ledgers at once) as the file's
    config has it, or None where that config disables the rule."""
    r = RULES[name]
    if name in config.disabled:
        return None
    return Finding(r.name, r.code, config.severity.get(name, r.severity), hit.message, hit.sheet, hit.cell, hit.row,
                   hit.value, hit.suggestion)


def rule_title(name: str) -> str:
    """The Chinese title of a rule name (the name itself for one no longer registered)."""
    r = RULES.get(name)
    return r.title if r else name


def all_rules() -> list[Rule]:
    return sorted(RULES.values(), key=lambda r: r.code)


# The rule modules register themselves on import: importing them here means the registry is
# complete wherever it can be seen (config validation, the CLI, a worker process).
from . import dates, folder, plan, previous, scores, status, structure, units  # noqa: E402, F401
