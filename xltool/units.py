"""Unit cells → unit names (docs/SPEC.md §1 "Units"), and the roster they are checked against."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from .textnorm import squash

_OPEN = "（(【[〔"
_CLOSE = "）)】]〕"
_SEPARATORS = set("、，,；;\n\r")
_STRONG = set("；;\n\r")  # clause separators: a role phrase ends a clause
# Role phrases at the end of a clause (longest first). "牵头" in it makes the clause lead.
_ROLE_TAIL = re.compile(
    r"(?:按职责分工|按照职责分工|按职责)?(?:分别)?(?:牵头)?(?:负责)?(?:落实|负责|实施|推进|配合)?$"
)
_OPEN_LIST = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|科室)$")


@dataclass(frozen=True)
class Units:
    lead: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    others: bool = False  # an open list: "等有关部门"

    @property
    def all(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.lead + self.responsible)
        return tuple(seen)


def _split_top(text: str, seps: set[str]) -> list[str]:
    """Split on separators that are not inside brackets."""
    parts, buf, depth = [], [], 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _clean(name: str) -> str:
    name = re.sub(r"[ \t\u3000\xa0]+", "", name).strip("。.:：")
    return name


# The last character of a complete unit name (局 委 办 厅 … 中心 公司 政府 部门 单位 村 社区 …)
# or of a bracketed qualifier; a line that ends otherwise was broken inside a name.
UNIT_ENDINGS = frozenset("局委办厅院所部门会处科室股队站馆区村镇街乡县市省司行社校位组心团府口级联协台）)】〕")
_ROLE_END = re.compile(r"(?:牵头|负责|落实|实施|推进|配合)$")  # a clause's role phrase ends here
_LINE_BREAK = re.compile(r"[ \t\u3000]*(?:\r\n|\r|\n)[ \t\u3000]*")


def rejoin_lines(text: str) -> str:
    """A unit cell with the line breaks that fell inside a name taken out ("省食品药品\n监管局"
    is one name): a break stays only after a separator, a complete name or a role phrase."""
    if "\n" not in text and "\r" not in text:
        return text
    parts = _LINE_BREAK.split(text)
    out = parts[0]
    for part in parts[1:]:
        last = out.rstrip()[-1:]
        kept = not last or last in _SEPARATORS or last in UNIT_ENDINGS or not part or _ROLE_END.search(out)
        out += ("\n" if kept else "") + part
    return out


# A role phrase long enough never to be part of a name ends its clause even with nothing after
# it ("…市审计局按职责分工分别落实各镇(街区)": a line break lost in a PDF, or never typed).
_ROLE_THEN_MORE = re.compile(r"((?:按照?职责分工)?分别(?:牵头)?落实|牵头(?:落实|负责)|配合落实)(?=[^\s、，,；;。：:）)】〕])")


def _clauses(text: str) -> list[str]:
    """Clauses of a unit cell: split at ；; and line breaks, at a comma that ends a role
    phrase ("市发展改革委牵头，市住建局配合"), and after a long role phrase."""
    out = []
    for clause in _split_top(_ROLE_THEN_MORE.sub(r"\1；", text), _STRONG):
        parts = _split_top(clause, set("，,"))
        if len(parts) > 1 and any(_ROLE_END.search(_clean(p)) for p in parts[:-1]):
            buf = []
            for part in parts:
                buf.append(part)
                if _ROLE_END.search(_clean(part)):
                    out.append("，".join(buf))
                    buf = []
            if buf:
                out.append("，".join(buf))
        else:
            out.append(clause)
    return out


@lru_cache(maxsize=4096)
def split_units(text: str, default_role: str = "responsible") -> Units:
    """Split a unit cell into lead and responsible names.

    Each clause (separated by ；; or a line break) may end with a role phrase:
    a clause whose phrase contains 牵头 names lead units, any other clause takes
    ``default_role`` (the role of the column the cell stands in).
    """
    lead: list[str] = []
    resp: list[str] = []
    others = False
    for clause in _clauses(rejoin_lines(text or "")):
        clause = _clean(clause)
        if not clause:
            continue
        tail = _ROLE_TAIL.search(clause)
        phrase = tail.group(0) if tail else ""
        body = clause[: len(clause) - len(phrase)] if phrase else clause
        if not body:  # the whole clause is a role word ("牵头"), nothing to name
            continue
        if "牵头" in phrase:
            role = "lead"
        elif "分别" in phrase or "配合" in phrase:
            role = "responsible"
        else:
            role = default_role
        for name in _split_top(body, _SEPARATORS):
            name = _clean(name)
            m = _OPEN_LIST.search(name)
            if m:
                others = True
                name = name[: m.start()]
            if not name:
                continue
            (lead if role == "lead" else resp).append(name)
    return Units(tuple(dict.fromkeys(lead)), tuple(dict.fromkeys(resp)), others)


@lru_cache(maxsize=16384)
def unit_key(name: str) -> str:
    """The form two unit names are compared in (spaces and bracket widths ignored)."""
    return squash(name)


@dataclass
class Roster:
    """The known units: canonical names, aliases (县政府办 = 县政府办公室) and groups
    (各乡镇人民政府 → the townships)."""

    names: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # alias key -> canonical name
    groups: dict[str, list[str]] = field(default_factory=dict)  # group name -> members
    source: str = ""

    def __post_init__(self):
        self._keys = {unit_key(n): n for n in self.names}
        self._group_keys = {unit_key(g): g for g in self.groups}
        self._choices = list(self._keys) + list(self.aliases) + list(self._group_keys)  # for suggest

    def __bool__(self) -> bool:
        return bool(self.names or self.groups)

    def canonical(self, name: str) -> str | None:
        """The roster name this unit name means, or None if unknown."""
        k = unit_key(name)
        if k in self._keys:
            return self._keys[k]
        if k in self.aliases:
            return self.aliases[k]
        if k in self._group_keys:
            return self._group_keys[k]
        return None

    def expand(self, name: str) -> list[str]:
        """A group name expanded to its members; any other name to its canonical self."""
        k = unit_key(name)
        if k in self._group_keys:
            return list(self.groups[self._group_keys[k]])
        return [self.canonical(name) or name]

    def suggest(self, name: str) -> str | None:
        """The nearest roster name (rapidfuzz), if it is near enough to be a typo."""
        from rapidfuzz import fuzz, process

        if not self._choices:
            return None
        hit = process.extractOne(unit_key(name), self._choices, scorer=fuzz.ratio, score_cutoff=60)
        if not hit:
            return None
        k = hit[0]
        return self._keys.get(k) or self.aliases.get(k) or self._group_keys.get(k)

    @classmethod
    def from_names(cls, names, source: str = "") -> Roster:
        return cls(names=list(dict.fromkeys(n for n in names if n)), source=source)

    @classmethod
    def from_rows(cls, rows: list[list[str]], source: str = "") -> Roster:
        """A 单位名录 sheet: first column the name; a column headed 别名 lists aliases
        (、 separated); a column headed 所属分组/分组 names the group the unit belongs to."""
        names, aliases, groups = [], {}, {}
        header = [squash(c) for c in rows[0]] if rows else []
        start = 1 if header and any(h in ("单位名称", "单位", "名称", "单位名录") for h in header) else 0
        col_alias = next((i for i, h in enumerate(header) if "别名" in h), None) if start else None
        col_group = next((i for i, h in enumerate(header) if "分组" in h or "所属" in h), None) if start else None
        for row in rows[start:]:
            if not row or not squash(row[0]):
                continue
            name = row[0].strip()
            names.append(name)
            if col_alias is not None and col_alias < len(row):
                for a in _split_top(row[col_alias], _SEPARATORS):
                    if a.strip():
                        aliases[unit_key(a)] = name
            if col_group is not None and col_group < len(row):
                for g in _split_top(row[col_group], _SEPARATORS):
                    if g.strip():
                        groups.setdefault(g.strip(), []).append(name)
        return cls(names=names, aliases=aliases, groups=groups, source=source)

    @classmethod
    def from_toml(cls, text: str, source: str = "") -> Roster:
        """``units = [...]``, ``[aliases] 县政府办 = "县政府办公室"``, ``[groups] 各乡镇人民政府 = [...]``.
        Also accepts the same keys under a ``[roster]`` table."""
        import tomllib

        data = tomllib.loads(text)
        data = data.get("roster", data)
        aliases = {unit_key(k): v for k, v in data.get("aliases", {}).items()}
        return cls(names=list(data.get("units", [])), aliases=aliases,
                   groups={k: list(v) for k, v in data.get("groups", {}).items()}, source=source)


# --- Typos without a roster -------------------------------------------------


@lru_cache(maxsize=16384)
def doubled_suffix(name: str) -> str | None:
    """"食品药品监管局局" → "食品药品监管局", "县国有企企" → "县国有企": the last character
    typed twice (no unit's name ends in a doubled character)."""
    k = unit_key(name)
    if len(k) >= 3 and k[-1] == k[-2] and "\u4e00" <= k[-1] <= "\u9fff":
        return name.rstrip()[:-1]
    return None


def looks_cut(name: str) -> bool:
    """A name that does not end as a unit's name does ("省食品药品"): a piece of a name the
    cell broke apart, or a name cut short."""
    k = unit_key(name)
    return len(k) >= 2 and k[-1] not in UNIT_ENDINGS and "\u4e00" <= k[-1] <= "\u9fff"


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _looks_like_typo(rare: str, common: str, distance: int) -> bool:
    """Whether two names a distance apart are one unit written wrongly, not two units.

    Differences confined to the start (市财政局 / 财政局, 县公安局 / 市公安局, 其他市各相关部门)
    are different governments or a style, not typos; short names one character apart are
    often different units (县税务局 / 县商务局), so they need five characters and a difference
    away from the first one; two characters apart only counts as an omission
    (县开发区管委会 ⊂ 县经济开发区管委会).
    """
    short, long = sorted((rare, common), key=len)
    if len(short) < 5:
        return False
    if long.endswith(short) or long[1:] == short[1:]:
        return False
    if distance == 1:
        return len(rare) != len(common) or rare[0] == common[0]
    return _subsequence(short, long)


def near_duplicates(counts: Counter, max_distance: int = 2, often: int = 2) -> dict[str, str]:
    """Names seen once that are one or two characters from a name seen at least ``often``
    times and look like a typo of it: {rare name: frequent name}. A doubled suffix
    (县财政局局) is its own finding and not listed here."""
    frequent = [n for n, c in counts.items() if c >= often and len(n) >= 5]
    rare = [n for n, c in counts.items() if c == 1 and len(n) >= 5 and not doubled_suffix(n)]
    pairs = [(n, [f for f in frequent if abs(len(f) - len(n)) <= max_distance]) for n in rare]
    pairs = [(n, fs) for n, fs in pairs if fs]
    if not pairs:  # most batches: no rare name near a common one (and no import to pay for)
        return {}
    from rapidfuzz.distance import Levenshtein

    out: dict[str, str] = {}
    for name, near in pairs:
        best, best_d = None, max_distance + 1
        for f in near:
            d = Levenshtein.distance(name, f, score_cutoff=max_distance)
            if 0 < d < best_d and _looks_like_typo(name, f, d):
                best, best_d = f, d
        if best:
            out[name] = best
    return out
