"""The ``xltool`` command line: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import Optional

import typer

from .errors import UnreadableFile, UsageError
from .output import err, pad, print_json

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="政务公开台账工具：读取、检查、汇总任务台账。")


class Exit(enum.IntEnum):
    OK = 0  # nothing at error severity
    FINDINGS = 1  # findings at error severity
    ERROR = 2  # usage errors or inputs that could not be read


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    csv = "csv"


def parse_date(text: Optional[str], what: str) -> Optional[dt.date]:
    if not text:
        return None
    from dateutil import parser as dparser

    try:
        return dparser.isoparse(text).date() if "-" in text else dparser.parse(text).date()
    except (ValueError, OverflowError):
        raise UsageError(f"{what}“{text}”不是有效日期，请写成 2020-12-31") from None


def fail(message: str, code: Exit = Exit.ERROR) -> None:
    err(f"错误：{message}")
    raise typer.Exit(int(code))


def want_json(json_flag: bool, fmt: Optional[Format]) -> bool:
    return json_flag or fmt == Format.json


@app.command()
def inspect(
    file: Path = typer.Argument(..., help="台账或任务表文件（.xlsx .xlsm .xls）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    fmt: Optional[Format] = typer.Option(None, "--format", help="text 或 json"),
    year: Optional[int] = typer.Option(None, "--year", help="计划年度（默认取标题中的年份）"),
    issued: Optional[str] = typer.Option(None, "--issued", help="发文日期（默认取文中的落款日期）"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="基准日期，标题无年份时以其年份为计划年度"),
    password: Optional[str] = typer.Option(None, "--password", help="工作簿打开密码"),
):
    """列出文件中每张任务表的规范化任务。"""
    from .reader import read_ledger

    try:
        ledger = read_ledger(file, year=year, issued=parse_date(issued, "发文日期"),
                             as_of=parse_date(as_of, "基准日期"), password=password, label=str(file))
    except (UnreadableFile, UsageError) as e:
        fail(str(e))
    if want_json(json_out, fmt):
        print_json(ledger.to_json())
        return
    for note in ledger.book.notes:
        err(f"提示：{ledger.path}：{note}")
    if not ledger.tables:
        typer.echo(f"{ledger.path}：未找到任务表（需要含“任务”类列和“单位”类列的表头）")
        return
    from .fields import KIND_NAMES

    for t in ledger.tables:
        typer.echo(f"{ledger.path} · 工作表“{t.sheet}” · 第{t.header_row}行表头 · {KIND_NAMES[t.kind]}（{t.kind}）"
                   f" · {len(t.tasks)} 行任务 · 计划年度 {t.year or '未知'}"
                   + (f" · 发文日期 {t.issued}" if t.issued else "") + (f" · 填报单位 {t.unit}" if t.unit else ""))
        typer.echo(f"{pad('行', 5)}{pad('序号', 5)}{pad('任务', 34)}{pad('牵头单位', 18)}{pad('责任单位', 24)}时限")
        for k in t.tasks:
            due = k.deadline.due.isoformat() if k.deadline.due else {"ongoing": "持续", "none": "（空）",
                                                                        "unknown": "无法识别"}.get(k.deadline.kind, "—")
            typer.echo(f"{pad(str(k.excel_row), 5)}{pad(k.seq or '', 5)}{pad(k.task, 34)}"
                       f"{pad('、'.join(k.lead_units), 18)}{pad('、'.join(k.responsible_units), 24)}"
                       f"{' '.join(k.deadline.text.split())} → {due}")
        typer.echo("")


@app.command()
def deadline(
    text: str = typer.Argument(..., help="时限文字，如“6月底前/全年”"),
    year: Optional[int] = typer.Option(None, "--year", help="计划年度（默认取基准日期的年份）"),
    issued: Optional[str] = typer.Option(None, "--issued", help="发文日期，用于“印发1个月内”“N个工作日内”"),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="基准日期（默认今天）"),
    json_out: bool = typer.Option(False, "--json", help="输出 JSON"),
    fmt: Optional[Format] = typer.Option(None, "--format", help="text 或 json"),
):
    """显示一个时限文字如何被解读。"""
    from .deadlines import parse_deadline

    try:
        as_of_d = parse_date(as_of, "基准日期") or dt.date.today()
        d = parse_deadline(text, year or as_of_d.year, parse_date(issued, "发文日期"))
    except UsageError as e:
        fail(str(e))
    if want_json(json_out, fmt):
        print_json(d.to_json())
        return
    kinds = {"date": "日期", "ongoing": "持续性任务（不会逾期）", "relative": "相对期限",
             "none": "空（无时限）", "unknown": "无法识别（bad-deadline）"}
    typer.echo(f"“{' '.join(text.split())}”：{kinds[d.kind]}")
    if d.due:
        typer.echo(f"截止日期：{d.due.isoformat()}")
    if len(d.milestones) > 1:
        typer.echo("节点：" + "、".join(m.isoformat() for m in d.milestones))
    if d.note:
        typer.echo(f"说明：{d.note}")
    if d.due and as_of:
        left = (d.due - as_of_d).days
        typer.echo(f"距基准日 {as_of_d}：" + (f"还有 {left} 天" if left >= 0 else f"已逾期 {-left} 天"))


def main() -> None:
    try:
        app()
    except UsageError as e:
        err(f"错误：{e}")
        raise SystemExit(int(Exit.ERROR)) from None


if __name__ == "__main__":
    main()
