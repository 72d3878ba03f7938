"""``xltool remind DIR -o OUT_DIR``: one 催办单 workbook per unit with something to chase,
printed to PDF by LibreOffice where it is installed, and a 催办汇总 workbook of the batch."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..reminders import KINDS, Reminders, UnitReminder
from .atomic import guard_output, save_workbook
from .cells import put
from .styles import (
    CENTER,
    PRINT_BORDER,
    SEVERITY_FILL,
    WRAP,
    body_row,
    column_widths,
    fill_with,
    fit_rows,
    header_row,
    link,
    print_a4,
    restyle,
    row_height,
)

SUMMARY_NAME = "催办汇总.xlsx"
_HEADER = [("序号", 5), ("类别", 19), ("任务", 42), ("时限要求", 16), ("截止日期", 11), ("完成状态", 9),
           ("台账填报的进展情况", 30), ("台账位置", 18)]  # (类别: “逾期未完成（143 天）” on one line)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")  # (grey: legible from a black-and-white printer)
_KIND_FILL = {"overdue": SEVERITY_FILL["error"], "due_soon": SEVERITY_FILL["warning"], "stale": SEVERITY_FILL["info"]}
_ONE_PAGE = 900  # points of rows that still fit one landscape page at a legible scale (about 60 %)
_NOT_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(unit: str) -> str:
    """催办单_<unit>.xlsx, with what Windows forbids in a name replaced."""
    return f"催办单_{_NOT_IN_NAME.sub('_', unit).strip(' .')[:80] or '单位'}.xlsx"


def file_names(rem: Reminders) -> dict[str, str]:
    """unit -> its file name, one per unit: names that would coincide once cleaned (or differ
    only in case, as Windows sees them) get （2）, （3） …"""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for u in rem.units:
        name = base = file_name(u.unit)
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{base[:-5]}（{n}）.xlsx"
        taken.add(name.lower())
        names[u.unit] = name
    return names


@dataclass
class Written:
    folder: Path
    workbooks: dict[str, Path] = field(default_factory=dict)  # unit -> its 催办单
    pdfs: dict[str, Path] = field(default_factory=dict)  # unit -> its PDF, where printed
    pdf_note: str | None = None  # why no PDF was made
    summary: Path | None = None


def guard_folder(out_dir: Path, rem: Reminders, inputs, force: bool) -> None:
    """Refuse before writing anything: a file of ours already there without --force, or any
    file that is not ours (a ledger) at a name we would write."""
    if out_dir.exists() and not out_dir.is_dir():
        from ..errors import UsageError

        raise UsageError(f"输出路径 {out_dir} 不是文件夹")
    for name in [*file_names(rem).values(), SUMMARY_NAME]:
        guard_output(out_dir / name, inputs, force)


def write_reminders(rem: Reminders, out_dir: Path, replace: bool = True, pdf: bool = True,
                    progress=None, step=None) -> Written:
    """The 催办单 of every unit with something to chase, their PDFs (``pdf``), the 催办汇总;
    ``progress(done, total)`` after each workbook, ``step(what)`` before the PDF run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    done = Written(out_dir)
    names = file_names(rem)
    for i, u in enumerate(rem.units, start=1):
        path = out_dir / names[u.unit]
        _unit_book(u, rem, path, replace)
        done.workbooks[u.unit] = path
        if progress:
            progress(i, len(rem.units))
    if pdf and done.workbooks:
        if step:
            step(f"用 LibreOffice 转为 PDF（{len(done.workbooks)} 份）")
        _print(done)
    done.summary = out_dir / SUMMARY_NAME
    _summary_book(rem, done, replace)
    return done


def _print(done: Written) -> None:
    from ..libreoffice import NoPdf, print_pdfs

    pairs = [(path, path.with_suffix(".pdf")) for path in done.workbooks.values()]
    try:
        made = set(print_pdfs(pairs, seconds=60 + 5 * len(pairs)))
    except NoPdf as e:
        done.pdf_note = str(e)
        return
    done.pdfs = {u: p.with_suffix(".pdf") for u, p in done.workbooks.items() if p.with_suffix(".pdf") in made}
    if len(done.pdfs) < len(done.workbooks):
        done.pdf_note = f"{len(done.workbooks) - len(done.pdfs)} 份催办单未能转为 PDF（LibreOffice 未生成）"


def _lead(u: UnitReminder, rem: Reminders) -> str:
    counts = u.counts()
    parts = [f"{KINDS[k]} {n} 项" for k, n in counts.items() if n]
    return (f"经核对贵单位报送的台账（基准日期：{rem.base_dates}），以下 {len(u.items)} 项任务需要关注："
            + "，".join(parts) + "。请抓紧推进，并在下次报送的台账中如实更新完成状态和进展情况。")


def _unit_book(u: UnitReminder, rem: Reminders, path: Path, replace: bool) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "催办清单"
    widths = [w for _, w in _HEADER]
    put(ws, 1, 1, "政务公开任务催办单").font = Font(bold=True, size=16)
    put(ws, 2, 1, f"单位：{u.unit}").font = Font(bold=True, size=12)
    put(ws, 3, 1, _lead(u, rem)).alignment = Alignment(wrap_text=True, vertical="top")
    last = len(_HEADER)
    for r in (1, 2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    ws.row_dimensions[1].height = 24
    ws.row_dimensions[3].height = row_height([(ws.cell(3, 1).value, sum(widths))])
    column_widths(ws, widths)
    for c, (label, _) in enumerate(_HEADER, start=1):
        restyle(put(ws, 4, c, label), "printed header", _printed_header)
    for n, item in enumerate(u.items, start=1):
        r = n + 4
        task = item.task + (f"\n（台账写作：{item.ledger_task}）" if item.ledger_task else "")
        where = f"{Path(item.file).name} {item.sheet}!{item.cell}" if item.cell else Path(item.file).name
        for c, value in enumerate([n, _kinds_text(item), task, item.deadline, item.due, item.status or "未填写",
                                   item.progress or "未填写", where], start=1):
            restyle(put(ws, r, c, value), "printed body", _printed_body)
        ws.cell(r, 5).number_format = "yyyy-mm-dd"
        fill_with(ws.cell(r, 2), _KIND_FILL[item.kinds[0]])
    fit_rows(ws, 5)
    print_a4(ws, landscape=True, title_rows=4, footer=f"{u.unit}  基准日期：{rem.base_dates}")
    if sum(ws.row_dimensions[r].height or 15 for r in range(1, len(u.items) + 5)) <= _ONE_PAGE:
        ws.page_setup.fitToHeight = 1
    ws.freeze_panes = "A5"
    save_workbook(wb, path, mark="催办单", replace=replace)


def _printed_header(cell) -> None:
    cell.font, cell.fill, cell.border, cell.alignment = Font(bold=True), _HEADER_FILL, PRINT_BORDER, CENTER


def _printed_body(cell) -> None:
    cell.border, cell.alignment = PRINT_BORDER, WRAP


def _kinds_text(item) -> str:
    words = []
    for k in item.kinds:
        word = KINDS[k]
        if k == "overdue" and item.days is not None:
            word += f"（{item.days} 天）"
        elif k == "due_soon" and item.days is not None:
            word += f"（还有 {item.days} 天）"
        words.append(word)
    return "\n".join(words)


_SUMMARY = [("单位", 30), ("情况", 15), ("逾期未完成", 11), ("即将到期", 10), ("进展未更新", 11), ("合计", 7),
            ("催办单", 36), ("PDF", 36), ("说明", 30)]


def _summary_book(rem: Reminders, done: Written, replace: bool) -> None:
    """Which units got a list and how many items each; who got none, and why."""
    wb = Workbook()
    ws = wb.active
    ws.title = "催办汇总"
    put(ws, 1, 1, f"催办清单汇总（基准日期：{rem.base_dates}）").font = Font(bold=True, size=14)
    header_row(ws, 2, [h for h, _ in _SUMMARY], [w for _, w in _SUMMARY])
    r = 3
    for u in rem.units:
        c = u.counts()
        book, pdf = done.workbooks.get(u.unit), done.pdfs.get(u.unit)
        body_row(ws, r, [u.unit, "已生成催办单", c["overdue"], c["due_soon"], c["stale"], len(u.items),
                         book.name if book else None, pdf.name if pdf else None, None], wrap=True)
        if book:
            link(ws.cell(r, 7), target=book.name)
        if pdf:
            link(ws.cell(r, 8), target=pdf.name)
        r += 1
    others = [(n, "无需催办", "台账中没有逾期、即将到期或进展未更新的任务") for n in rem.quiet]
    others += [(n, "未报送", "名录中的单位，没有收到台账") for n in rem.missing]
    others += [(x.unit or "（未识别单位）", "无法读取", f"{x.file}：{x.reason}") for x in rem.unreadable]
    for unit, state, note in others:
        body_row(ws, r, [unit, state, None, None, None, None, None, None, note], wrap=True)
        if state != "无需催办":
            fill_with(ws.cell(r, 2), SEVERITY_FILL["error"])
        r += 1
    if not rem.with_previous:
        put(ws, r + 1, 1, "未指定上一轮台账（--previous），未检查进展是否更新。")
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:I{max(r - 1, 2)}"
    fit_rows(ws, 3)
    print_a4(ws, landscape=True, title_rows=2, footer=f"基准日期：{rem.base_dates}")
    save_workbook(wb, done.summary, mark="催办汇总", replace=replace)
