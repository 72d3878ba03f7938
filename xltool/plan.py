"""The official table as issued (``--plan``): the default roster, and the tasks ledger rows
are matched to (by 序号 and task text, robust to whitespace)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .model import Task
from .textnorm import squash
from .units import Roster


def task_key(t: Task) -> str:
    return squash(t.task) + "|" + squash(t.requirement or "")


@dataclass
class Plan:
    path: str
    tasks: list[Task]
    by_key: dict[str, list[Task]] = field(default_factory=dict)
    by_seq: dict[str, list[tuple[str, Task]]] = field(default_factory=dict)  # seq -> (key, task)

    def __post_init__(self):
        for t in self.tasks:
            key = task_key(t)
            self.by_key.setdefault(key, []).append(t)
            if t.seq:
                self.by_seq.setdefault(t.seq, []).append((key, t))
        self._keys = list(self.by_key)
        # (key, seq) -> plan task: two rules ask for every row, and ledgers repeat the plan's rows
        self._matches: dict[tuple[str, str | None], Task | None] = {}
        self._roster: Roster | None = None

    @classmethod
    def from_ledger(cls, ledger) -> Plan:
        return cls(ledger.path, [t for table in ledger.tables for t in table.tasks])

    @cached_property
    def typos(self) -> dict[str, str]:
        """The plan's own misspelt unit names: {name seen once: the frequent name it is one
        or two characters from} (县开发区管委会 → 县经济开发区管委会). ``check`` on the plan
        reports them; the roster counts them as the name meant, not as a unit of their own."""
        from collections import Counter

        from .units import near_duplicates

        return near_duplicates(Counter(u for t in self.tasks for u in t.units))

    def roster(self) -> Roster:
        """The plan's units as the default roster, its typos as aliases of the name meant
        (made once: every file of a batch asks)."""
        if self._roster is None:
            self._roster = self._make_roster()
        return self._roster

    def _make_roster(self) -> Roster:
        from .units import unit_key

        names = [u for t in self.tasks for u in t.units if u not in self.typos]
        aliases = {unit_key(typo): meant for typo, meant in self.typos.items()}
        return Roster(names=list(dict.fromkeys(n for n in names if n)), aliases=aliases,
                      source=f"任务表 {self.path}")

    def match(self, t: Task) -> Task | None:
        """The plan task a ledger row is, or None."""
        memo = (task_key(t), t.seq)
        if memo not in self._matches:
            self._matches[memo] = self._match(*memo)
        return self._matches[memo]

    def _match(self, key: str, seq: str | None) -> Task | None:
        from rapidfuzz import fuzz, process

        hits = self.by_key.get(key)
        if hits:
            if len(hits) == 1 or not seq:
                return hits[0]
            return next((h for h in hits if h.seq == seq), hits[0])
        same_seq = self.by_seq.get(seq or "", [])
        if same_seq:
            score, best = max(((fuzz.ratio(k, key), h) for k, h in same_seq), key=lambda sh: sh[0])
            if score >= 80:
                return best
        hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=90)
        return self.by_key[hit[0]][0] if hit else None


def _same_unit_typo(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(squash(a), squash(b)) >= 85


def differences(t: Task, p: Task) -> list[tuple[str, str]]:
    """(field, Chinese description) of what a ledger row changed against its plan task."""
    out = []
    if task_key(t) != task_key(p):
        out.append(("task", "任务内容与任务表不一致"))
    for fld, label, mine, theirs in (("lead", "牵头单位", t.lead_units, p.lead_units),
                                     ("responsible", "责任单位", t.responsible_units, p.responsible_units)):
        a, b = {squash(x) for x in mine}, {squash(x) for x in theirs}
        if a != b:
            added = [x for x in mine if squash(x) not in b]
            removed = [x for x in theirs if squash(x) not in a]
            # a misspelt name (县财政局局 for 县财政局) is unknown-unit's finding, not a change
            for x in list(added):
                twin = next((y for y in removed if _same_unit_typo(x, y)), None)
                if twin is not None:
                    added.remove(x)
                    removed.remove(twin)
            if not added and not removed:
                continue
            parts = []
            if added:
                parts.append("增加了" + "、".join(added))
            if removed:
                parts.append("缺少" + "、".join(removed))
            out.append((fld, f"{label}与任务表不一致：" + "；".join(parts)))
    if squash(t.deadline.text) != squash(p.deadline.text):
        out.append(("deadline", f"时限与任务表不一致：任务表为“{squash(p.deadline.text) or '空'}”"))
    return out


def load_plan(path, year: int | None = None, issued=None, as_of=None, password: str | None = None,
              limits=None) -> tuple[Plan, list[str]]:
    """The official table as issued (``--plan``), and what a person should know about it
    (in Chinese: it looks like a ledger; its own misspelt unit names). Raises UsageError,
    in Chinese, for a file that cannot be read or holds no task table."""
    from .errors import UnreadableFile, UsageError
    from .grid import DEFAULT_LIMITS
    from .reader import read_ledger

    try:
        led = read_ledger(path, year=year, issued=issued, as_of=as_of, password=password,
                          limits=limits or DEFAULT_LIMITS, label=str(path))
    except UnreadableFile as e:
        raise UsageError(f"任务表（--plan）无法读取：{e}") from None
    if not led.tables:
        raise UsageError(f"任务表（--plan）{path} 中没有找到任务表")
    notes = []
    progress = sorted({t.headers[f] for t in led.tables for f in ("status", "done_date", "progress") if t.has(f)})
    if progress:
        notes.append(f"任务表（--plan）{path} 含进度列（{'、'.join(progress)}），看起来是一份台账而不是印发的任务表；"
                     "--plan 应为印发通知中的任务分工表，其单位和任务是比对的依据")
    plan = Plan.from_ledger(led)
    notes += [f"任务表中的“{typo}”疑似“{meant}”的笔误，按“{meant}”统计（可用 xltool check 检查任务表）"
              for typo, meant in plan.typos.items()]
    return plan, notes
