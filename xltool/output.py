"""Terminal text helpers: width-aware padding for Chinese text, JSON printing."""

from __future__ import annotations

import json
import sys
import unicodedata


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, cols: int) -> str:
    """Text cut to ``cols`` display columns, with … when cut."""
    text = " ".join((text or "").split())
    if width(text) <= cols:
        return text
    out, w = "", 0
    for ch in text:
        cw = width(ch)
        if w + cw > cols - 1:
            break
        out += ch
        w += cw
    return out + "…"


def pad(text: str, cols: int) -> str:
    text = clip(text, cols)
    return text + " " * (cols - width(text))


def print_json(doc) -> None:
    """One JSON document on stdout: indented for a person at a terminal, compact for a pipe
    (indenting a large batch report costs more than checking a dozen files)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=indent, default=str))
    sys.stdout.write("\n")


def err(line: str) -> None:
    """One line to stderr (messages and progress never go to stdout)."""
    sys.stderr.write(line.rstrip("\n") + "\n")
