"""Chinese for the command-line framing that Click and Typer print (usage lines, help
headings, usage errors).

Click translates its messages through the standard library's gettext in the default domain;
``use_chinese`` points that domain at our catalogue for the ``xltool`` process. The catalogue
is compiled from messages.po with Babel (``python -m xltool.locale``); the compiled .mo ships
in the package, so the command needs no Babel.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

HERE = Path(__file__).parent
DOMAIN = "messages"  # Click's: it calls gettext.gettext, which reads the default domain


def use_chinese() -> None:
    """Click's and Typer's own messages in Chinese, whatever the system's language."""
    os.environ["LANGUAGE"] = "zh_CN"  # (this process and its children only)
    gettext.bindtextdomain(DOMAIN, str(HERE))
    gettext.textdomain(DOMAIN)


def compile_catalogue() -> Path:
    """messages.po → messages.mo (needs Babel: a contributor's tool, not the command's)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    src = HERE / "zh_CN" / "LC_MESSAGES" / "messages.po"
    out = src.with_suffix(".mo")
    with open(src, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    with open(out, "wb") as fh:
        write_mo(fh, catalog)
    return out
