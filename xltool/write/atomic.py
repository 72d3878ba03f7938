"""Safe output: never over an input, never over an existing file without --force,
always through a temporary file and an atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError

# The document property every workbook xltool writes as an output (not templates or imports,
# which become ledgers) carries, so that a folder holding our reports is never read back as
# ledgers; its value says what the file is. The guard reads it (grid/guard.py).
OUTPUT_MARK = "xltool-output"
XLSX = ".xlsx"


def guard_output(out: Path, inputs: Iterable[Path] = (), force: bool = False, suffix: str | None = XLSX) -> Path:
    """Refuse an output path that is an input, exists (without --force), is a folder, or
    does not carry the extension of what is written (``suffix``; None for any)."""
    out = Path(out)
    if suffix and out.suffix.lower() != suffix:
        what = {".docx": "Word 文档"}.get(suffix, "Excel 工作簿")
        raise UsageError(f"输出文件 {out} 的扩展名应为 {suffix}（写出的是 {what}），请改名后重试")
    for i in inputs:
        try:
            if Path(i).exists() and out.exists() and os.path.samefile(i, out) or \
                    Path(i).resolve() == out.resolve():
                raise UsageError(f"输出文件 {out} 就是输入文件，xltool 从不覆盖输入")
        except OSError:
            continue
    if out.exists() and out.is_dir():
        raise UsageError(f"输出路径 {out} 是文件夹")
    if out.exists() and not force:
        raise UsageError(f"输出文件 {out} 已存在；如需覆盖请加 --force")
    if out.exists() and written_by_us(out) is None:
        raise UsageError(f"输出文件 {out} 已存在，且不是 xltool 生成的检查结果、汇总或副本（可能是台账），"
                         "即使加 --force 也不会覆盖它；请换一个文件名")
    return out


def written_by_us(path: Path) -> str | None:
    """What xltool output a file is (检查结果, 汇总 …), or None for any other file."""
    import zipfile

    from ..grid.guard import output_mark

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/custom.xml")
            return output_mark(zf.read(info)) if info.file_size <= 2**20 else None
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, EOFError):
        return None


TEMP_PREFIX = ".~xltool-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale(folder: Path) -> None:
    """Temporary files of ours that a killed write left behind in ``folder``: those whose
    process is gone (the name carries its pid), or older than a day where that cannot be told."""
    import time

    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        path = folder / name
        pid = name[len(TEMP_PREFIX):].split("-", 1)[0]
        try:
            if pid.isdigit() and os.name == "posix":
                if int(pid) == os.getpid():
                    continue
                try:
                    os.kill(int(pid), 0)
                    continue  # its writer is still at work
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue  # another user's live process
            elif time.time() - path.stat().st_mtime < 86400:
                continue
            path.unlink()
        except OSError:
            continue


def write_failure(out: Path, e: OSError) -> UsageError:
    """Why ``out`` could not be written, in one Chinese line that names it."""
    import errno

    code = e.errno
    if getattr(e, "winerror", None) in (32, 33):  # (Windows: the file is open in another program)
        cause = "文件正被其他程序（如 Excel 或 WPS）打开，请关闭后重试"
    elif code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        cause = "磁盘空间不足"
    elif code in (errno.EACCES, errno.EPERM):
        cause = "没有写入权限"
    elif code == errno.EROFS:
        cause = "所在位置是只读的"
    elif code in (errno.ENOTDIR, errno.EEXIST):
        cause = "路径中有一段是文件而不是文件夹"
    elif code == errno.ENOENT:
        cause = "路径不存在"
    else:
        cause = e.strerror or type(e).__name__
    return UsageError(f"无法写出 {out}：{cause}（原有文件未改动）")


@contextlib.contextmanager
def atomic_path(out: Path, replace: bool = True):
    """Yield a temporary path beside ``out``; on success it becomes ``out``, with the mode
    the user's umask gives a new file. Without ``replace`` the last step is exclusive: a file
    that appeared at ``out`` meanwhile (another writer) is kept and the write refused. Any
    failure of the file system (a full disk, no permission, a path under a file) is a
    UsageError naming ``out``; a file already there is left as it was."""
    out = Path(out)
    try:
        with _atomic_path(out, replace) as tmp:
            yield tmp
    except OSError as e:
        raise write_failure(out, e) from None


@contextlib.contextmanager
def _atomic_path(out: Path, replace: bool):
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out.parent)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        if replace:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)  # (fails if out exists: no check-then-write race)
            except FileExistsError:
                raise UsageError(f"输出文件 {out} 已存在（刚由另一个程序写出）；如需覆盖请加 --force") from None
            except OSError:  # a file system without hard links
                if out.exists():
                    raise UsageError(f"输出文件 {out} 已存在；如需覆盖请加 --force") from None
                os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def mark_output(wb, kind: str) -> None:
    """Mark an openpyxl workbook as an xltool output of ``kind`` (检查结果, 汇总, 标注副本 …)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    if OUTPUT_MARK in props.names:
        del props[OUTPUT_MARK]
    props.append(StringProperty(name=OUTPUT_MARK, value=kind))


def save_workbook(wb, out: Path, mark: str | None = None, password: str | None = None, replace: bool = True,
                  bodies: dict | None = None, sst: bytes | None = None) -> None:
    """openpyxl Workbook.save, atomically; ``mark`` marks it as our output of that kind,
    ``password`` encrypts it (as Excel does, ECMA-376 agile encryption), ``replace`` False
    refuses to replace a file that appeared meanwhile. ``bodies`` (by sheet name) are rows
    written as XML, spliced into what openpyxl saved (sheetdata.splice), with ``sst``."""
    if mark:
        mark_output(wb, mark)
    try:
        _save(wb, out, password, replace, bodies, sst)
    finally:  # (openpyxl keeps an .xlsm's macro parts in a zip it never closes)
        if getattr(wb, "vba_archive", None) is not None:
            wb.vba_archive.close()


def _save(wb, out: Path, password: str | None, replace: bool, bodies: dict | None, sst: bytes | None) -> None:
    with atomic_path(out, replace) as tmp:
        if password is None and not bodies:
            with open(tmp, "wb") as fh:  # (ours to close: openpyxl leaves its file open when a write fails)
                wb.save(fh)
            return
        import io

        from .sheetdata import splice

        plain = io.BytesIO()
        wb.save(plain)
        if password is None:
            with open(tmp, "wb") as fh:
                splice(plain.getvalue(), bodies, sst, fh)
            return
        from msoffcrypto.format.ooxml import OOXMLFile

        if bodies:
            package, plain = plain.getvalue(), io.BytesIO()
            splice(package, bodies, sst, plain)
        plain.seek(0)
        with open(tmp, "wb") as fh:
            OOXMLFile(plain).encrypt(password, fh)
