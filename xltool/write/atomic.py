"""Safe output: never over an input, never over an existing file without --force,
always through a temporary file and an atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError


def guard_output(out: Path, inputs: Iterable[Path] = (), force: bool = False) -> Path:
    out = Path(out)
    for i in inputs:
        try:
            if Path(i).exists() and out.exists() and os.path.samefile(i, out) or \
                    Path(i).resolve() == out.resolve():
                raise UsageError(f"输出文件 {out} 就是输入文件，xltool 从不覆盖输入")
        except OSError:
            continue
    if out.exists() and not force:
        raise UsageError(f"输出文件 {out} 已存在；如需覆盖请加 --force")
    if out.exists() and out.is_dir():
        raise UsageError(f"输出路径 {out} 是文件夹")
    return out


@contextlib.contextmanager
def atomic_path(out: Path):
    """Yield a temporary path beside ``out``; on success it is renamed over ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~xltool-", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_workbook(wb, out: Path) -> None:
    """openpyxl Workbook.save, atomically."""
    with atomic_path(out) as tmp:
        wb.save(tmp)
