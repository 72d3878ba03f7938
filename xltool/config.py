"""Check configuration: from ``--config xltool.toml`` and from a 配置 sheet in the workbook.

TOML keys (the 配置 sheet uses the same dotted keys in two columns, 键 | 值):

    [rules]
    disable = ["due-soon"]            # rules.disable
    [rules.severity]
    done-no-evidence = "info"         # rules.severity.done-no-evidence
    [check]
    due_soon_days = 15                # check.due_soon_days
    [status]
    done = ["已完成"]                  # status.done / status.in_progress / status.not_started
    [roster]                          # units, aliases, groups (see xltool.units.Roster)
    [circular]                        # the 通报 draft (rollup --notice): title, issuer, recipients
    issuer = "县政务公开领导小组办公室"
    [holidays.2027]                   # the State Council's schedule, where the calendar package lacks it
    "休" = ["2027-01-01", "2027-02-06~2027-02-12"]   # days off (off = … also accepted)
    "班" = ["2027-02-14"]                            # make-up working days (work = …)

Loading a config puts its holiday table in force for the process: deadlines are parsed
(and cached) without a config at hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .errors import UsageError
from .model import SEVERITIES
from .units import Roster

_SPACES = re.compile(r"\s+")

DEFAULT_CIRCULAR = {
    "title": "关于政务公开工作任务落实情况的通报",
    "recipients": "各有关单位",
    "issuer": "",  # (empty: the draft shows where the issuing office's name goes)
}

DEFAULT_STATUS = {
    "done": ("已完成",),
    "in_progress": ("推进中", "进行中"),
    "not_started": ("未启动", "未开始"),
}


@dataclass(frozen=True)
class Config:
    disabled: frozenset[str] = frozenset()
    severity: dict = field(default_factory=dict)  # rule -> severity
    due_soon_days: int = 15
    status: dict = field(default_factory=lambda: dict(DEFAULT_STATUS))
    roster: Roster | None = None
    scoring: dict = field(default_factory=dict)  # [scoring] table, read by rollup
    circular: dict = field(default_factory=lambda: dict(DEFAULT_CIRCULAR))  # [circular]: the 通报 draft

    @cached_property
    def _status_words(self) -> dict[str, str]:
        """status word -> its class, made once from ``status``"""
        return {w: cls for cls, words in self.status.items() for w in words}

    def status_class(self, text: str | None) -> str | None:
        """'done' | 'in_progress' | 'not_started' for a status cell, None if empty or unknown."""
        if not text:
            return None
        words = self._status_words
        cls = words.get(text)
        return cls if cls is not None else words.get(_SPACES.sub("", text))

    def merged(self, data: dict, source: str) -> Config:
        """This config with the keys of ``data`` (a parsed TOML document) applied."""
        from .rules import RULES

        rules = data.get("rules", {})
        disabled = set(self.disabled)
        for name in _as_list(rules.get("disable", [])):
            if name not in RULES:
                raise UsageError(f"{source}：未知规则“{name}”（可用 xltool rules 查看规则名）")
            disabled.add(name)
        for name in _as_list(rules.get("enable", [])):
            disabled.discard(name)
        severity = dict(self.severity)
        for name, sev in rules.get("severity", {}).items():
            if name not in RULES:
                raise UsageError(f"{source}：未知规则“{name}”")
            if sev not in SEVERITIES:
                raise UsageError(f"{source}：规则“{name}”的级别“{sev}”无效，应为 error、warning 或 info")
            severity[name] = sev
        due_soon = data.get("check", {}).get("due_soon_days", self.due_soon_days)
        try:
            due_soon = int(due_soon)
        except (TypeError, ValueError):
            raise UsageError(f"{source}：check.due_soon_days 应为整数") from None
        status = dict(self.status)
        for cls in DEFAULT_STATUS:
            if cls in data.get("status", {}):
                status[cls] = tuple(_as_list(data["status"][cls]))
        return replace(self, disabled=frozenset(disabled), severity=severity, due_soon_days=due_soon,
                       status=status, scoring={**self.scoring, **data.get("scoring", {})},
                       circular=_circular(self.circular, data.get("circular", {}), source))


def _circular(now: dict, table: dict, source: str) -> dict:
    for key, value in table.items():
        if key not in DEFAULT_CIRCULAR:
            raise UsageError(f"{source}：[circular] 中没有“{key}”这一项（可用：{'、'.join(DEFAULT_CIRCULAR)}）")
        if not isinstance(value, str):
            raise UsageError(f"{source}：circular.{key} 应为文字（加引号）")
    return {**now, **{k: v.strip() for k, v in table.items()}}


def _as_list(v) -> list[str]:
    if isinstance(v, str):
        return [x.strip() for x in re.split(r"[,，、;；\s]+", v) if x.strip()]
    return [str(x).strip() for x in v]


def load_config(path: Path | None) -> Config:
    cfg = Config()
    if path is None:
        return cfg
    import tomllib

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise UsageError(f"配置文件 {path} 不存在") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"配置文件 {path} 格式错误：{e}") from None
    cfg = cfg.merged({k: v for k, v in data.items() if k not in ("roster", "holidays")}, str(path))
    if "roster" in data:
        cfg = replace(cfg, roster=Roster.from_toml(text, source=str(path)))
    from .workdays import use_holidays

    use_holidays(holiday_table(data.get("holidays", {}), str(path)))
    return cfg


def holiday_table(data: dict, source: str) -> dict:
    """``[holidays]``: year -> (days off, make-up working days), from lists of dates and
    date ranges ("2027-02-06~2027-02-12")."""
    import datetime as dt

    def days(values, year: str, what: str) -> frozenset:
        out = set()
        for v in _as_list(values):
            lo, _, hi = v.partition("~")
            try:
                a = dt.date.fromisoformat(lo.strip())
                b = dt.date.fromisoformat(hi.strip()) if hi else a
            except ValueError:
                raise UsageError(f"{source}：holidays.{year}.{what} 中的“{v}”不是日期（应写作 2027-02-06 或 "
                                 f"2027-02-06~2027-02-12）") from None
            if b < a or (b - a).days > 366:
                raise UsageError(f"{source}：holidays.{year}.{what} 中的“{v}”不是有效的日期范围")
            out.update(a + dt.timedelta(days=i) for i in range((b - a).days + 1))
        return frozenset(out)

    table = {}
    for year, spec in data.items():
        if not (str(year).isdigit() and isinstance(spec, dict)):
            raise UsageError(f"{source}：[holidays] 下应按年份分节，如 [holidays.2027]，节内写 \"休\" = [...] 和 \"班\" = [...]（中文键名要加引号）")
        off = days(spec.get("休", spec.get("off", [])), year, "休")
        work = days(spec.get("班", spec.get("work", [])), year, "班")
        table[int(year)] = (off, work)
    return table


def sheet_config(rows: list[list[str]]) -> dict:
    """A 配置 sheet (键 | 值 rows with dotted keys) as a TOML-shaped dict."""
    out: dict = {}
    for row in rows:
        if len(row) < 2 or not row[0] or row[0].strip() in ("键", "配置项", "key"):
            continue
        key, value = row[0].strip(), row[1]
        parts = key.split(".")
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return out


def load_roster(path: Path) -> Roster:
    """``--roster``: a TOML file, or a workbook whose 单位名录 sheet (else first sheet) lists units."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            return Roster.from_toml(path.read_text(encoding="utf-8"), source=str(path))
        except FileNotFoundError:
            raise UsageError(f"单位名录 {path} 不存在") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise UsageError(f"单位名录 {path} 格式错误：{e}") from None
    from .errors import UnreadableFile
    from .grid import read_book

    try:
        book = read_book(path)
    except UnreadableFile as e:
        raise UsageError(f"单位名录无法读取：{e}") from None
    sheet = next((g for g in book.sheets if "单位名录" in g.name), None)
    if sheet is None:
        sheet = next((g for g in book.sheets if not g.hidden), None)
        _refuse_non_roster(path, sheet)
    roster = Roster.from_rows(sheet.texts(), source=str(path)) if sheet else None
    if not roster:
        raise UsageError(f"单位名录 {path} 中没有单位名称")
    return roster


ROSTER_HEADERS = ("单位名称", "单位", "名称", "单位名录")


def _refuse_non_roster(path: Path, sheet) -> None:
    """--roster names a workbook without a 单位名录 sheet: its first sheet must be a list
    headed 单位名称 (or 单位, 名称), not a task table or anything else."""
    from .table import find_layouts
    from .textnorm import squash

    if sheet is None:
        raise UsageError(f"单位名录 {path} 中没有工作表")
    layouts = find_layouts(sheet)
    if layouts:
        raise UsageError(f"{path} 是任务表（工作表“{sheet.name}”第{layouts[0].header_start + 1}行是任务表头），"
                         "不是单位名录；印发的任务表请用 --plan，单位名录应为含“单位名录”工作表或“单位名称”列的工作簿")
    first = next((row for row in sheet.texts(0, 20) if any(c.strip() for c in row)), [])
    if not any(squash(c) in ROSTER_HEADERS for c in first):
        raise UsageError(f"{path} 不是单位名录：没有“单位名录”工作表，工作表“{sheet.name}”的第一行也没有“单位名称”表头")
