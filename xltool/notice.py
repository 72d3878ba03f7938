"""An official notice's task tables (Word .docx/.doc, PDF, or a workbook) → a ledger workbook laid
out as our template (``xltool import``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError


@dataclass
class ImportedNotice:
    """The ledger made from a notice: the workbook to save, its task rows, notes for the user."""

    workbook: object  # openpyxl Workbook
    tasks: int
    notes: list[str] = field(default_factory=list)


def _title(context: list[str], fallback: str | None) -> str | None:
    """The notice's title: the last short paragraph above the table that names tasks."""
    return next((c for c in reversed(context) if "任务" in c and len(c) <= 60), None) or fallback


def _notice_line(issued: dt.date | None, year: int | None, title: str | None) -> str | None:
    """The line under the title: the issue date, and the plan year where the title lacks it."""
    parts = []
    if issued:
        parts.append(f"发文日期：{issued.year}年{issued.month}月{issued.day}日")
    if year and (not title or str(year) not in title):
        parts.append(f"计划年度：{year}年")
    return "　".join(parts) or None


def ledger_from_notice(path: Path, year: int | None = None, issued: dt.date | None = None,
                       label: str | None = None) -> ImportedNotice:
    """Read the notice's task tables and lay the main kind of them out as a ledger.
    Raises UsageError or UnreadableFile with a Chinese message."""
    from .reader import read_ledger
    from .write.template import ledger_from_tables

    label = label or str(path)
    led = read_ledger(path, year=year, issued=issued, label=label)
    if not led.tables:
        raise UsageError(f"{label}：文档中没有找到任务表（需要含“任务”类列和“单位”类列的表头）")
    main = max(led.tables, key=lambda t: len(t.tasks))
    tables = [t for t in led.tables if t.kind == main.kind]
    notes = list(led.book.notes)
    if len({t.kind for t in led.tables}) > 1:
        notes.append(f"文档中有不同类型的表，只导入{main.kind}类型的 {len(tables)} 张表")
    title = _title(led.book.context, main.title)
    wb = ledger_from_tables(tables, title=title, notice=_notice_line(main.issued, main.year, title))
    return ImportedNotice(wb, sum(len(t.tasks) for t in tables), notes)
