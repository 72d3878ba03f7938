"""The ``xltool`` command line: parse arguments, call the library, print. Nothing else."""

import datetime as dt
import enum
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import UnreadableFile, UsageError
from .locale import use_chinese
from .output import err, pad, print_json, say
from .process import lasting

use_chinese()  # Click's own words (用法、选项、错误 …) in Chinese: the command speaks to people who read no English

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False,
                  suggest_commands=False,  # (Click suggests already: Typer's would say it twice)
                  options_metavar="[选项]", subcommand_metavar="命令 [参数]...",
                  help="政务公开台账工具：读取、检查、汇总任务台账。")


class Exit(enum.IntEnum):
    OK = 0  # nothing at error severity
    FINDINGS = 1  # findings at error severity
    ERROR = 2  # usage errors, inputs that could not be read, outputs that could not be written
    INTERNAL = 3  # a bug of ours: one Chinese line, the traceback in a log file


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    csv = "csv"


def parse_date(text: str | None, what: str) -> dt.date | None:
    from .basedate import parse_date_arg

    return parse_date_arg(text, what)


def fail(message: str, code: Exit = Exit.ERROR) -> None:
    err(f"错误：{message}")
    raise typer.Exit(int(code))


# Options several commands share, declared once
JsonFlag = Annotated[bool, typer.Option("--json", help="输出 JSON（等同 --format json）")]
FormatOpt = Annotated[Format | None, typer.Option("--format", metavar="text|json|csv", help="输出格式：text（默认）、json 或 csv")]
PlainCsv = Annotated[bool, typer.Option("--csv-plain", help="CSV 不加 BOM、用英文表头（供脚本使用；默认的 CSV 可直接用 Excel/WPS 打开）")]
AsOf = Annotated[str | None, typer.Option("--as-of", metavar="日期", help="基准日期，如 2020-12-15 或 2020年12月15日；不给时用各台账的填报日期，没有填报日期的用今天")]
Password = Annotated[str | None, typer.Option("--password", metavar="密码", help="工作簿打开密码（只在内存中解密）")]
Force = Annotated[bool, typer.Option("--force", help="覆盖已存在的输出文件（只覆盖 xltool 生成的文件）")]
Year = Annotated[int | None, typer.Option("--year", metavar="年份", help="计划年度（默认取标题或通知中的年份）")]
Issued = Annotated[str | None, typer.Option("--issued", metavar="日期", help="发文日期（默认取文中的落款日期）")]


def output_format(json_flag: bool, fmt: Format | None) -> Format:
    """The one output format the flags ask for; --json with another --format is refused."""
    if json_flag and fmt not in (None, Format.json):
        raise UsageError(f"--json 与 --format {fmt.value} 不能同时使用")
    return Format.json if json_flag else (fmt or Format.text)


def print_csv(headers, rows, plain: bool) -> None:
    from .write.csvout import table_csv

    say(table_csv(headers, rows, plain), nl=False)


@app.command(options_metavar="[选项]")
def inspect(
    file: Path = typer.Argument(..., metavar="文件", help="台账或任务表文件（.xlsx .xlsm .xls；任务表也可以是 .docx .doc .pdf）"),
    json_out: JsonFlag = False,
    fmt: FormatOpt = None,
    plain: PlainCsv = False,
    year: Year = None,
    issued: Issued = None,
    as_of: AsOf = None,
    password: Password = None,
):
    """列出文件中每张任务表的规范化任务。"""
    from .reader import read_ledger

    try:
        form = output_format(json_out, fmt)
        ledger = read_ledger(file, year=year, issued=parse_date(issued, "发文日期"),
                             as_of=parse_date(as_of, "基准日期"), password=password, label=str(file))
    except (UnreadableFile, UsageError) as e:
        fail(str(e))
    if form == Format.json:
        print_json(ledger.to_json())
        return
    if form == Format.csv:
        headers = [("sheet", "工作表"), ("excel_row", "行"), ("seq", "序号"), ("section", "分节"), ("task", "任务"),
                   ("lead_units", "牵头单位"), ("responsible_units", "责任单位"), ("deadline", "时限"),
                   ("due", "截止日期"), ("kind", "时限类型")]
        print_csv(headers, ([t.sheet, k.excel_row, k.seq, k.section, k.task, "、".join(k.lead_units),
                             "、".join(k.responsible_units), k.deadline.text, k.deadline.due, k.deadline.kind]
                            for t in ledger.tables for k in t.tasks), plain)
        return
    for note in ledger.book.notes:
        err(f"提示：{ledger.path}：{note}")
    if not ledger.tables:
        say(f"{ledger.path}：未找到任务表（需要含“任务”类列和“单位”类列的表头）")
        return
    from .fields import KIND_NAMES

    for t in ledger.tables:
        say(f"{ledger.path} · 工作表“{t.sheet}” · 第{t.header_row}行表头 · {KIND_NAMES[t.kind]}（{t.kind}）"
            f" · {len(t.tasks)} 行任务 · 计划年度 {t.year or '未知'}" + (f"（取自{t.year_source}）" if t.year_source else "")
            + (f" · 发文日期 {t.issued}" if t.issued else "") + (f" · 填报单位 {t.unit}" if t.unit else ""))
        if t.unmapped:
            say("未识别的列（已忽略）：" + "；".join(f"{c} 列“{h}”" for c, h in t.unmapped.items()))
        for note in t.notes:
            say(f"提示：{note}")
        say(f"{pad('行', 5)}{pad('序号', 5)}{pad('任务', 34)}{pad('牵头单位', 18)}{pad('责任单位', 24)}时限")
        for k in t.tasks:
            due = k.deadline.due.isoformat() if k.deadline.due else {"ongoing": "持续", "recurring": "周期", "none": "（空）",
                                                                        "unknown": "无法识别"}.get(k.deadline.kind, "—")
            say(f"{pad(str(k.excel_row), 5)}{pad(k.seq or '', 5)}{pad(k.task, 34)}"
                f"{pad('、'.join(k.lead_units), 18)}{pad('、'.join(k.responsible_units), 24)}"
                f"{' '.join(k.deadline.text.split())} → {due}")
        say("")


@app.command(options_metavar="[选项]")
def deadline(
    text: str = typer.Argument(..., metavar="时限", help="时限文字，如“6月底前/全年”"),
    year: int | None = typer.Option(None, "--year", metavar="年份", help="计划年度（默认取基准日期的年份）"),
    issued: str | None = typer.Option(None, "--issued", metavar="日期", help="发文日期，用于“印发1个月内”“N个工作日内”"),
    as_of: str | None = typer.Option(None, "--as-of", metavar="日期", help="基准日期（默认今天）"),
    config: Path | None = typer.Option(None, "--config", metavar="配置文件", help="配置文件 xltool.toml（其中的节假日安排）"),
    json_out: JsonFlag = False,
    fmt: FormatOpt = None,
    plain: PlainCsv = False,
):
    """显示一个时限文字如何被解读。"""
    from .config import load_config
    from .deadlines import next_due, parse_deadline
    from .workdays import calendar_used

    try:
        load_config(config)
        form = output_format(json_out, fmt)
        as_of_d = parse_date(as_of, "基准日期") or dt.date.today()
        issued_d = parse_date(issued, "发文日期")
        d = parse_deadline(text, year or as_of_d.year, issued_d)
    except UsageError as e:
        fail(str(e))
    if form == Format.json:
        print_json(d.to_json())
        return
    if form == Format.csv:
        print_csv([("text", "时限"), ("kind", "类型"), ("due", "截止日期"), ("milestones", "节点"), ("note", "说明")],
                  [[text, d.kind, d.due, "、".join(m.isoformat() for m in d.milestones), d.note]], plain)
        return
    from .rules import rule_title

    kinds = {"date": "日期", "ongoing": "持续性任务（不会逾期）", "recurring": "周期性任务（每期到期，整体不会逾期）",
             "relative": "相对期限",
             "none": "空（无时限）", "unknown": f"无法识别（检查时报“{rule_title('bad-deadline')}”错误）"}
    say(f"“{' '.join(text.split())}”：{kinds[d.kind]}")
    if d.due:
        say(f"截止日期：{d.due.isoformat()}")
    if len(d.milestones) > 1:
        say("节点：" + "、".join(m.isoformat() for m in d.milestones))
    if d.note:
        say(f"说明：{d.note}")
    if "工作日" in text and d.due:
        say("日历：" + "；".join(calendar_used(y) for y in range(issued_d.year, d.due.year + 1)))
    if d.kind == "recurring" and (nxt := next_due(d, as_of_d)):
        say(f"下一个到期日（基准日 {as_of_d}）：{nxt.isoformat()}")
    if d.due and as_of:
        left = (d.due - as_of_d).days
        say(f"距基准日 {as_of_d}：" + (f"还有 {left} 天" if left >= 0 else f"已逾期 {-left} 天"))


class Progress:
    """A one-line progress bar on stderr, only where stderr is a terminal (a log or a pipe
    gets the result lines, not a hundred bar updates)."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if total <= 1 or not self.tty:
            return
        n = int(30 * done / total)
        sys.stderr.write(f"\r{self.label} [{'#' * n}{'.' * (30 - n)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def step(self, what: str) -> None:
        """A phase without a count (writing a workbook): one line, on a terminal."""
        if self.tty:
            err(f"{self.label}：{what} …")


def _inputs(paths, *options: Path | None) -> list[Path]:
    """Every file or folder a command reads (none of them may be an output)."""
    return [*paths, *(p for p in options if p)]


def _plan(plan: Path | None, year, issued, as_of, password, limits):
    if plan is None:
        return None
    from .plan import load_plan

    plan_obj, notes = load_plan(plan, year, issued, as_of, password, limits)
    for note in notes:
        err(f"提示：{note}")
    return plan_obj


def _previous(folder: Path | None, roster, year, issued, password, limits):
    """The previous round's ledgers (``--previous``), said on stderr how many were read."""
    if folder is None:
        return None
    from .previous import load_previous

    if not folder.exists():
        raise UsageError(f"上一轮台账 {folder} 不存在")
    before = load_previous([folder], roster, year, issued, None, password, Progress("读取上一轮"), limits)
    for u in before.unreadable:
        err(f"提示：上一轮的 {u.file} 无法读取（{u.reason}），不参与比对")
    if not before.ledgers:
        raise UsageError(f"上一轮台账 {folder} 中没有可读取的台账（.xlsx .xlsm .xls）")
    err(f"上一轮：{len(before.ledgers)} 个台账（{folder}）")
    return before


def print_check_text(report) -> None:
    from .model import SEVERITY_CN

    for f in report.files:
        if f.status == "error":
            say(f"{f.file}：无法读取：{f.error}")
            continue
        c = f.counts()
        head = f"{f.file}：{f.tasks} 行任务，错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}"
        if report.as_of is None and f.base is not None:
            head += f"，基准日期 {f.base.describe()}"
        say(head if f.findings else head + "，未发现问题")
        for note in f.notes:
            say(f"  提示：{note}")
        for x in f.findings:
            where = f"{x.sheet}!{x.cell}" if x.cell else (x.sheet or "")
            extra = f"（建议：{x.suggestion}）" if x.suggestion else ""
            say(f"  {pad(where, 18)} {pad(SEVERITY_CN[x.severity], 4)} {pad(x.title, 18)} {x.message}{extra}")
    for f in report.skipped:
        say(f"{f.file}：{f.skipped}")
    s = report.summary()
    skipped = f"，跳过 xltool 生成的文件 {s['skipped']} 个" if s["skipped"] else ""
    say(f"合计：{s['files']} 个文件，错误 {s['errors']}，警告 {s['warnings']}，提示 {s['infos']}，"
        f"无法读取 {s['unreadable']}{skipped}。基准日期：{report.base_dates()}")


def report_copies(outcomes, what: str) -> bool:
    """Say on stderr what became of each requested copy and in all; True if every one was written."""
    written = [o for o in outcomes if o.written]
    for o in outcomes:
        if not o.written:
            err(f"未写出：{o.file} → {o.out}：{o.note}")
        elif o.note:
            err(f"提示：{o.out}：{o.note}")
    lost = sum(1 for o in written if o.note)
    encrypted = sum(1 for o in written if o.encrypted)
    tails = [f"{lost} 个由 .xls 等格式重建，未保留原格式"] if lost else []
    tails += [f"{encrypted} 个沿用原文件的打开密码加密"] if encrypted else []
    tail = f"（其中 {'；'.join(tails)}）" if tails else ""
    missed = len(outcomes) - len(written)
    err(f"{what}：已写出 {len(written)} 个{tail}" + (f"，未写出 {missed} 个（原因见上）" if missed else ""))
    return missed == 0


@app.command(options_metavar="[选项]")
def check(
    paths: list[Path] = typer.Argument(..., metavar="文件或文件夹...", help="台账文件或文件夹（递归查找 .xlsx .xlsm .xls）"),
    as_of: AsOf = None,
    plan: Path | None = typer.Option(None, "--plan", metavar="任务表", help="印发的任务表：其单位为默认名录，台账行与其任务比对"),
    previous: Path | None = typer.Option(None, "--previous", metavar="上一轮文件夹",
                                         help="上一轮报送的台账（文件夹或文件）：与各单位上一轮的台账逐行比对"),
    roster: Path | None = typer.Option(None, "--roster", metavar="名录", help="单位名录（含“单位名录”工作表的 xlsx，或 TOML）"),
    config: Path | None = typer.Option(None, "--config", metavar="配置文件", help="配置文件 xltool.toml"),
    report: Path | None = typer.Option(None, "-o", "--output", "--report", metavar="文件",
                                       help="写出检查结果工作簿（.xlsx）；--report 是旧名，下一版起只用 -o/--output"),
    annotate: Path | None = typer.Option(None, "--annotate", metavar="文件夹", help="在此文件夹写出标注副本（不改动原文件）"),
    json_out: JsonFlag = False,
    fmt: FormatOpt = None,
    plain: PlainCsv = False,
    jobs: int | None = typer.Option(None, "--jobs", "-j", metavar="个数", help="并行进程数（默认 CPU 核数）"),
    year: Year = None,
    issued: Issued = None,
    password: Password = None,
    force: Force = False,
    decrypt_copies: bool = typer.Option(False, "--decrypt-copies", help="有打开密码的台账，其标注副本不加密（默认沿用原密码）"),
    max_cells: int | None = typer.Option(None, "--max-cells", metavar="个数", help="单个工作表最多单元格数（安全上限）"),
    max_mb: int | None = typer.Option(None, "--max-mb", metavar="MB", help="解压后最大大小（MB，安全上限）"),
):
    """检查台账：规则、逾期、批量检查、检查结果工作簿和标注副本。"""
    from .batch import CheckOptions, check_paths, exit_code
    from .config import load_config, load_roster

    try:
        form = output_format(json_out, fmt)
        as_of_d = parse_date(as_of, "基准日期")
        issued_d = parse_date(issued, "发文日期")
        cfg = load_config(config)
        from .grid.guard import DEFAULT_LIMITS

        limits = DEFAULT_LIMITS.raised(max_cells, max_mb)
        inputs = [p for p in paths]
        if report:
            from .write.atomic import guard_output

            guard_output(report, _inputs(inputs, plan, roster, config, previous), force)
        ros = load_roster(roster) if roster else cfg.roster
        plan_obj = _plan(plan, year, issued_d, as_of_d, password, limits)
        before = _previous(previous, ros or (plan_obj.roster() if plan_obj else None), year, issued_d, password, limits)
    except (UsageError, UnreadableFile) as e:
        fail(str(e))
    opts = CheckOptions(as_of=as_of_d, config=cfg, roster=ros, plan=plan_obj, year=year, issued=issued_d,
                        password=password, limits=limits, previous=before.without_ledgers() if before else None)
    with lasting():
        result = check_paths(inputs, opts, jobs=jobs, progress=Progress("检查中"))
    if not result.files:
        ours = f"；其中 {len(result.skipped)} 个是 xltool 生成的文件（检查结果、汇总、催办单等），已跳过" if result.skipped else ""
        fail(f"没有找到要检查的台账文件（.xlsx .xlsm .xls）{ours}")
    copies_ok = True
    try:
        if report:
            from .write.report import write_report

            Progress("检查结果").step(f"写出 {report}")
            write_report(result, report, replace=force)
            err(f"检查结果已写入 {report}")
        if annotate:
            from .write.annotate import annotate_all

            outcomes = annotate_all(result, annotate, inputs, password, force, decrypt_copies,
                                    progress=Progress("写出标注副本"))
            copies_ok = report_copies(outcomes, f"标注副本（{annotate}）")
    except UsageError as e:
        fail(str(e))
    if form == Format.json:
        print_json(result.to_json())
    elif form == Format.csv:
        from .write.csvout import findings_csv

        say(findings_csv(result, plain), nl=False)
    else:
        print_check_text(result)
    raise typer.Exit(exit_code(result) if copies_ok else int(Exit.ERROR))


@app.command(options_metavar="[选项]")
def rules(
    name: Annotated[str | None, typer.Argument(help="只看这一条规则的详细说明（代码、名称或配置用名）",
                                               metavar="[规则]")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="输出 JSON（含英文规则名 rule，供配置文件使用）")] = False,
    fmt: FormatOpt = None,
    plain: PlainCsv = False,
):
    """列出全部检查规则：代码、名称、默认级别和说明；给出规则时显示它的详细说明。"""
    from .model import SEVERITY_CN
    from .rules import all_rules

    try:
        form = output_format(json_out, fmt)
    except UsageError as e:
        fail(str(e))
    rs = all_rules()
    if name is not None:
        rs = [r for r in rs if name.strip() in (r.name, r.code, r.title, r.code.lower())]
        if not rs:
            fail(f"没有名为“{name}”的规则（xltool rules 列出全部规则）")
    if form == Format.json:
        print_json([{"rule": r.name, "code": r.code, "title": r.title, "severity": r.severity, "scope": r.scope,
                     "doc": r.doc, "sections": r.sections} for r in rs])
        return
    if form == Format.csv:
        print_csv([("code", "代码"), ("title", "名称"), ("rule", "配置用名"), ("severity", "默认级别"), ("doc", "说明")],
                  ([r.code, r.title, r.name, r.severity if plain else SEVERITY_CN[r.severity], r.doc] for r in rs),
                  plain)
        return
    for r in rs:
        say(f"{r.code}  {pad(r.title, 22)}{pad(SEVERITY_CN[r.severity], 6)}（配置用名 {r.name}）")
        if name is None:
            say(f"      {r.doc}")
            continue
        for label, text in r.sections.items():
            say(f"  {label}：{text}")


PlanOpt = Annotated[Path | None, typer.Option("--plan", metavar="任务表", help="印发的任务表：其单位为默认名录，台账行与其任务比对")]
RosterOpt = Annotated[Path | None, typer.Option("--roster", metavar="名录",
                                                help="单位名录（xlsx 或 TOML），用于分组展开和未报送名单")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", metavar="配置文件",
                                                help="配置文件 xltool.toml（[scoring] 为计分权重，[circular] 为通报的标题、主送和署名）")]


def _rolled_up(paths, as_of_d, cfg, roster, plan, previous, year, issued_d, password):
    """The roll-up of ``paths`` (and the plan read, for the wording of its tasks)."""
    from .config import load_roster
    from .grid.guard import DEFAULT_LIMITS
    from .unit_figures import rollup as do_rollup

    ros = load_roster(roster) if roster else cfg.roster
    plan_obj = _plan(plan, year, issued_d, as_of_d, password, DEFAULT_LIMITS)
    before = _previous(previous, ros or (plan_obj.roster() if plan_obj else None), year, issued_d, password,
                       DEFAULT_LIMITS)
    result = do_rollup(paths, as_of_d, cfg, ros, plan_obj, year, issued_d, password, progress=Progress("读取中"),
                       previous=before)
    if not result.files and not result.unreadable and not result.empty and not result.skipped:
        raise UsageError("没有找到台账文件（.xlsx .xlsm .xls）")
    return result, plan_obj


@app.command(options_metavar="[选项]")
def rollup(
    paths: list[Path] = typer.Argument(..., metavar="文件或文件夹...", help="各单位台账文件或文件夹"),
    as_of: AsOf = None,
    plan: PlanOpt = None,
    previous: Path | None = typer.Option(None, "--previous", metavar="上一轮文件夹",
                                         help="上一轮报送的台账：各单位与上一轮相比的完成和逾期变化"),
    roster: RosterOpt = None,
    config: ConfigOpt = None,
    out: Path | None = typer.Option(None, "-o", "--output", metavar="文件", help="写出汇总工作簿（.xlsx：排名、图表、逾期清单、报送情况、计分说明）"),
    notice: Path | None = typer.Option(None, "--notice", metavar="文件",
                                       help="写出通报草稿（.docx，公文格式：总体情况、排名、逾期任务、未报送单位、与上一轮相比）"),
    json_out: JsonFlag = False,
    fmt: FormatOpt = None,
    plain: PlainCsv = False,
    year: Year = None,
    issued: Issued = None,
    password: Password = None,
    force: Force = False,
):
    """按单位汇总任务数、完成率、逾期和得分。"""
    from .config import load_config
    from .write.atomic import guard_output

    try:
        form = output_format(json_out, fmt)
        as_of_d = parse_date(as_of, "基准日期")
        issued_d = parse_date(issued, "发文日期")
        cfg = load_config(config)
        inputs = _inputs(paths, plan, roster, config, previous)
        if out:
            guard_output(out, inputs, force)
        if notice:
            guard_output(notice, _inputs(inputs, out), force, suffix=".docx")
        result, _ = _rolled_up(paths, as_of_d, cfg, roster, plan, previous, year, issued_d, password)
    except (UsageError, UnreadableFile) as e:
        fail(str(e))
    try:
        if out:
            from .write.summary import write_summary

            Progress("汇总").step(f"写出 {out}")
            write_summary(result, out, replace=force)
            err(f"汇总已写入 {out}")
        if notice:
            from .write.circular import write_circular

            write_circular(result, notice, cfg.circular, replace=force)
            err(f"通报草稿已写入 {notice}")
    except UsageError as e:
        fail(str(e))
    if form == Format.json:
        print_json(result.to_json())
    elif form == Format.csv:
        print_csv([("rank", "名次"), ("unit", "单位"), ("tasks", "任务数"), ("completed", "已完成"),
                   ("in_progress", "推进中"), ("not_started", "未启动"), ("overdue", "逾期"),
                   ("completion_rate", "完成率"), ("score", "得分"), ("max_score", "满分"), ("as_of", "基准日期")],
                  ([i, u.unit, u.tasks, u.completed, u.in_progress, u.not_started, u.overdue, u.completion_rate,
                    None if u.score is None else round(u.score, 2), u.max_score, result.base_dates()]
                   for i, u in enumerate(result.units, start=1)), plain)
    else:
        print_rollup_text(result)
    raise typer.Exit(int(Exit.ERROR) if result.unreadable else 0)


@app.command(options_metavar="[选项]")
def remind(
    paths: list[Path] = typer.Argument(..., metavar="文件或文件夹...", help="各单位台账文件或文件夹"),
    out: Path = typer.Option(..., "-o", "--output", metavar="文件夹", help="写出催办单的文件夹（每个单位一份 .xlsx，及 PDF）"),
    as_of: AsOf = None,
    plan: PlanOpt = None,
    previous: Path | None = typer.Option(None, "--previous", metavar="上一轮文件夹",
                                         help="上一轮报送的台账：进展情况与上一轮相同的未完成任务也列入催办"),
    roster: RosterOpt = None,
    config: ConfigOpt = None,
    no_pdf: bool = typer.Option(False, "--no-pdf", help="不生成 PDF（默认在装有 LibreOffice 时生成）"),
    json_out: JsonFlag = False,
    year: Year = None,
    issued: Issued = None,
    password: Password = None,
    force: Force = False,
):
    """催办：每个单位一份逾期、即将到期和进展未更新任务的清单（工作簿和 PDF），另附催办汇总。"""
    from .config import load_config
    from .reminders import reminders
    from .write.reminder import guard_folder, write_reminders

    try:
        as_of_d = parse_date(as_of, "基准日期")
        issued_d = parse_date(issued, "发文日期")
        cfg = load_config(config)
        result, plan_obj = _rolled_up(paths, as_of_d, cfg, roster, plan, previous, year, issued_d, password)
        rem = reminders(result, plan_obj)
        guard_folder(out, rem, _inputs(paths, plan, roster, config, previous), force)
        Progress("催办").step(f"写出 {len(rem.units)} 份催办单到 {out}")
        done = write_reminders(rem, out, replace=force, pdf=not no_pdf, progress=Progress("写出催办单"),
                               step=Progress("催办").step)
    except (UsageError, UnreadableFile) as e:
        fail(str(e))
    if done.pdf_note:
        err(f"提示：{done.pdf_note}")
    err(f"催办单已写入 {out}：{len(done.workbooks)} 份工作簿，{len(done.pdfs)} 份 PDF；汇总见 {done.summary.name}")
    if json_out:
        doc = rem.to_json()
        for u in doc["units"]:
            u["workbook"] = str(done.workbooks[u["unit"]])
            u["pdf"] = str(done.pdfs[u["unit"]]) if u["unit"] in done.pdfs else None
        print_json({**doc, "summary": str(done.summary), "pdf_note": done.pdf_note})
    else:
        print_reminders_text(rem, done)
    raise typer.Exit(int(Exit.ERROR) if result.unreadable else 0)


def print_reminders_text(rem, done) -> None:
    from .reminders import KINDS

    for u in rem.units:
        counts = "，".join(f"{KINDS[k]} {n}" for k, n in u.counts().items() if n)
        pdf = "（含 PDF）" if u.unit in done.pdfs else ""
        say(f"{pad(u.unit, 24)}{pad(str(len(u.items)) + ' 项', 7)}{counts} → {done.workbooks[u.unit].name}{pdf}")
    lines = [(f"无需催办（{len(rem.quiet)}）", "、".join(rem.quiet))] if rem.quiet else []
    lines += [(f"未报送（{len(rem.missing)}）", "、".join(rem.missing))] if rem.missing else []
    lines += [(f"无法读取（{len(rem.unreadable)}）", "；".join(f"{u.unit or '单位不明'}：{u.file}（{u.reason}）"
                                                       for u in rem.unreadable))] if rem.unreadable else []
    for head, text in lines:
        say(f"{head}：{text}")
    if not rem.with_previous:
        say("未指定 --previous（上一轮台账），未检查进展是否更新。")
    say(f"合计：{len(rem.units)} 个单位需催办，共 {sum(len(u.items) for u in rem.units)} 项。基准日期：{rem.base_dates}")


def print_rollup_text(result) -> None:
    say(f"{pad('名次', 5)}{pad('单位', 22)}{pad('任务', 6)}{pad('完成', 6)}{pad('推进中', 7)}"
        f"{pad('逾期', 6)}{pad('完成率', 8)}得分")
    for i, u in enumerate(result.units, start=1):
        score = "—" if u.score is None else f"{u.score:.1f}/{u.max_score:.0f}" if u.max_score else f"{u.score:.1f}"
        say(f"{pad(str(i), 5)}{pad(u.unit, 22)}{pad(str(u.tasks), 6)}{pad(str(u.completed), 6)}"
            f"{pad(str(u.in_progress), 7)}{pad(str(u.overdue), 6)}{pad(f'{u.completion_rate:.0%}', 8)}{score}")
    lines = [(f"已报送（{len(result.reported)}）", "、".join(result.reported))]
    lines += [(f"未报送（{len(result.missing)}）", "、".join(result.missing))] if result.missing else []
    lines += [(f"无法读取（{len(result.unreadable)}）",
               "；".join(f"{u.unit or '单位不明'}：{u.file}（{u.reason}）" for u in result.unreadable))
              ] if result.unreadable else []
    lines += [(f"空白台账（{len(result.empty)}）", "；".join(f"{e['unit'] or '单位不明'}：{e['file']}"
                                                       for e in result.empty))] if result.empty else []
    lines += [(f"未计入的旧版或重复台账（{len(result.set_aside)}）",
               "；".join(f"{a.unit}：{a.file}（采用 {a.kept}）" for a in result.set_aside))] if result.set_aside else []
    lines += [(f"跳过 xltool 生成的文件（{len(result.skipped)}）", "、".join(f for f, _ in result.skipped))
              ] if result.skipped else []
    for head, text in lines:
        say(f"{head}：{text}")
    if result.changes is not None:
        print_changes_text(result)
    say(f"基准日期：{result.base_dates()}")


def signed(n: int | None) -> str:
    return "—" if n is None else f"{n:+d}" if n else "0"


def print_changes_text(result) -> None:
    say(f"与上一轮相比（上一轮基准日期：{result.previous_bases}）：")
    say(f"  {pad('单位', 22)}{pad('已完成', 8)}{pad('新完成', 8)}{pad('逾期', 6)}{pad('逾期增减', 10)}进展未更新")
    for c in result.changes:
        change = signed(c.overdue_change) if c.completed_before is not None else "上一轮未报送"
        say(f"  {pad(c.unit, 22)}{pad(str(c.completed), 8)}{pad(signed(c.newly_completed), 8)}"
            f"{pad(str(c.overdue), 6)}{pad(change, 10)}{c.stale}")


template_app = typer.Typer(help="台账模板：列出模板，或按模板新建台账。", no_args_is_help=True, options_metavar="[选项]",
                           subcommand_metavar="命令 [参数]...")
app.add_typer(template_app, name="template")


KIND_WORDS = {"assessment": "考核", "division": "分工", "decomposition": "分解"}  # what a clerk types


def template_kind(text: str) -> str:
    """assessment | division | decomposition, from the English id, the short Chinese word
    (考核, 分工, 分解) or the table's full Chinese name."""
    from .fields import KIND_NAMES

    for kind, name in KIND_NAMES.items():
        if text.strip() in (kind, name, KIND_WORDS[kind]):
            return kind
    choices = "、".join(f"{KIND_WORDS[k]}（{n}，{k}）" for k, n in KIND_NAMES.items())
    raise UsageError(f"没有“{text}”这种模板；可用：{choices}")


@template_app.command("list", options_metavar="[选项]")
def template_list(json_out: bool = typer.Option(False, "--json", help="输出 JSON")):
    """列出内置的三种台账模板。"""
    from .fields import KIND_NAMES
    from .write.template import layout_for, template_path

    rows = []
    for kind, name in KIND_NAMES.items():
        lay = layout_for(kind)
        p = template_path(kind)
        rows.append({"kind": kind, "name": name, "columns": [lay.label(f) for f in lay.fields],
                     "file": str(p) if p.exists() else None})
    if json_out:
        print_json(rows)
        return
    for r in rows:  # (the word to type with template new first)
        say(f"{pad(KIND_WORDS[r['kind']], 6)}{pad(r['name'], 18)}{'、'.join(r['columns'])}")


@template_app.command("new", options_metavar="[选项]")
def template_new(
    kind: str = typer.Argument(..., metavar="模板", help="模板：考核（考核任务分解表）、分工（重点工作任务分工）或 分解（任务分解表）；"
                                         "也可写 assessment、division、decomposition"),
    out: Path = typer.Option(..., "-o", "--output", metavar="文件", help="新台账文件（.xlsx）"),
    roster: Path | None = typer.Option(None, "--roster", metavar="名录", help="单位名录，填入“单位名录”工作表"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的文件"),
):
    """按模板新建一个空白台账。"""
    from .config import load_roster
    from .write.atomic import guard_output, save_workbook
    from .write.template import build_template

    try:
        kind_id = template_kind(kind)
        guard_output(out, [], force)
        ros = load_roster(roster) if roster else None
        save_workbook(build_template(kind_id, roster=ros), out, replace=force)
    except UsageError as e:
        fail(str(e))
    err(f"已新建 {out}")


@app.command(options_metavar="[选项]")
def fill(
    file: Path = typer.Argument(..., metavar="文件", help="台账文件"),
    out: Path = typer.Option(..., "-o", "--output", metavar="文件", help="输出文件（.xlsx；原文件为 .xlsm 时为 .xlsm）"),
    remerge: bool = typer.Option(False, "--remerge", help="反向操作：把单位列和时限列中相同的相邻单元格合并（便于打印）"),
    password: str | None = typer.Option(None, "--password", metavar="密码", help="工作簿打开密码"),
    decrypt_copies: bool = typer.Option(False, "--decrypt-copies", help="有打开密码的台账，其副本不加密（默认沿用原密码）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件（只覆盖 xltool 生成的文件）"),
):
    """取消合并单元格并把继承的值逐格填入（或用 --remerge 合并），写出副本，原文件不变。"""
    from .write.atomic import guard_output
    from .write.fill import fill_file

    try:
        guard_output(out, [file], force, suffix=".xlsm" if file.suffix.lower() == ".xlsm" else ".xlsx")
        n, note, encrypted = fill_file(file, out, remerge=remerge, password=password, decrypt_copies=decrypt_copies,
                                       replace=force)
    except (UsageError, UnreadableFile) as e:
        fail(str(e))
    done = f"合并 {n} 处" if remerge else f"填入 {n} 个单元格"
    kept = "，沿用原文件的打开密码" if encrypted else ""
    err(f"已写出 {out}（{done}{kept}）" + (f"；{note}" if note else ""))


@app.command("import", options_metavar="[选项]")
def import_(
    notice: Path = typer.Argument(..., metavar="通知", help="印发通知：Word（.docx .doc）、PDF 或 Excel 任务表"),
    out: Path = typer.Option(..., "-o", "--output", metavar="文件", help="输出台账（.xlsx）"),
    year: Year = None,
    issued: Issued = None,
    force: Force = False,
):
    """把印发通知中的任务表（Word、PDF 或 Excel）转成按模板排版的台账。"""
    from .notice import ledger_from_notice
    from .write.atomic import guard_output, save_workbook

    try:
        guard_output(out, [notice], force)
        got = ledger_from_notice(notice, year=year, issued=parse_date(issued, "发文日期"))
    except (UsageError, UnreadableFile) as e:
        fail(str(e))
    for note in got.notes:
        err(f"提示：{note}")
    save_workbook(got.workbook, out, replace=force)
    err(f"已导入 {got.tasks} 行任务到 {out}")


addin_app = typer.Typer(help="Excel 加载项（政务公开台账 选项卡）。", no_args_is_help=True, options_metavar="[选项]",
                        subcommand_metavar="命令 [参数]...")
app.add_typer(addin_app, name="addin")


@addin_app.command("build", options_metavar="[选项]")
def addin_build(out: Path = typer.Option(Path("dist"), "-o", "--output", help="输出目录")):
    """生成 xltool.xlam（基于 xlwings 的加载项模板，含“政务公开台账”选项卡）和要导入其中的宏模块。"""
    from .addin import BAS, build

    path = _addin_step(build, out)
    err(f"已生成 {path}；宏模块 {path.parent / BAS} 由 xltool addin install 导入（macOS 需手工导入，见 README）")


@addin_app.command("install", options_metavar="[选项]")
def addin_install(out: Path = typer.Option(Path("dist"), "-o", "--output", help="加载项生成目录")):
    """在装有 Excel 的 Windows/macOS 电脑上安装加载项：导入宏模块、写入本机 Python 的路径、装入 Excel 启动文件夹。"""
    from .addin import install

    path, conf = _addin_step(install, out)
    err(f"已安装 {path}（加载项使用的 Python 已写入 {conf}）；请重新启动 Excel，功能区会出现“政务公开台账”选项卡")


@addin_app.command("uninstall", options_metavar="[选项]")
def addin_uninstall():
    """卸载加载项：从 Excel 启动文件夹删除 xltool.xlam，并删除加载项的配置文件。"""
    from .addin import uninstall

    for line in uninstall():
        err(line)


@addin_app.command("doctor", options_metavar="[选项]")
def addin_doctor(out: Path = typer.Option(Path("dist"), "-o", "--output", help="加载项生成目录")):
    """检查加载项会用哪个 Python、xltool 版本、配置文件，以及 Excel 和信任设置是否就绪。"""
    from .addin import doctor

    rows = _addin_step(doctor, out)
    for item, found, fine in rows:
        say(f"{'✓' if fine else '✗'} {pad(item, 24)}{found}")
    raise typer.Exit(0 if all(fine for _, _, fine in rows) else int(Exit.ERROR))


def _addin_step(step, *args):
    try:
        return step(*args)
    except UsageError as e:
        fail(str(e))


def run(args: list[str] | None = None) -> int:
    """The command on ``args`` (sys.argv by default); returns its exit code. Whatever goes
    wrong, the user sees one Chinese line: a bug of ours writes its traceback to a log file
    the line names and exits 3, so that a script tells a crash from a bad ledger (1)."""
    try:
        app(args=args)
        code = 0  # (typer ends every command with SystemExit)
    except UsageError as e:
        err(f"错误：{e}")
        code = int(Exit.ERROR)
    except SystemExit as e:
        code = e.code
    except KeyboardInterrupt:
        err("已中断")
        code = 130
    except Exception as e:  # noqa: BLE001 (the last line of defence: nothing reaches the user as a traceback)
        err(f"内部错误：{type(e).__name__}。详细信息已写入 {crash_log(e)}，请把它和出错的文件反馈给开发者")
        code = int(Exit.INTERNAL)
    if code is not None and not isinstance(code, int):
        err(str(code))
        code = int(Exit.ERROR)
    return code or 0


def crash_log(e: BaseException) -> Path:
    """The traceback of an unexpected error in a log file of its own (in the temp folder)."""
    import tempfile
    import traceback

    path = Path(tempfile.gettempdir()) / f"xltool-错误-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    text = f"xltool {sys.argv[1:]}\n" + "".join(traceback.format_exception(e))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:
        path = Path(os.devnull)
    return path


def main() -> None:
    """The ``xltool`` command (process.py says how the process starts and ends)."""
    from .process import command_started, end

    command_started()
    end(run())


if __name__ == "__main__":
    main()
