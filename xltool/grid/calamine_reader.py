"""Workbook → Grids with python-calamine: values and merged ranges, no styles.

calamine (Rust) reads .xlsx/.xlsm/.xlsb/.xls/.ods about 50× faster than building
openpyxl's styled objects, and survives files openpyxl rejects (odd part names,
t="d" cells, broken .xls string tables). It is the read path for inspect and check.
"""

from __future__ import annotations

import io
import re
import zipfile

import python_calamine as pc

from ..errors import LimitExceeded, UnreadableFile
from ..model import Grid, Merge, sound_merges
from .guard import Limits


def _reason(e: BaseException, checked_package: bool = False) -> str:
    """A Chinese reason for a calamine error. ``checked_package``: the guard already saw a
    well-formed workbook package, so a format calamine cannot detect means damaged parts."""
    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    low = msg.lower()
    if checked_package and "cannot detect" in low:
        return "文件已损坏（工作簿部件无法解压或校验失败）"
    if "entity" in low or "doctype" in low:
        return "文件含有 XML 实体声明（Excel 从不写入，可能是恶意文件），已拒绝读取"
    if "password" in low or "encrypt" in low:
        return "文件设有密码保护；请用 --password 提供密码"
    if "too small" in low or "invalid ole" in low or "cannot detect" in low:
        return "文件不是有效的 Excel 工作簿（文件头无法识别）"
    if "crc" in low or "zip" in low or "declared" in low or "eof" in low:
        return f"文件已损坏（{msg}）"
    return f"无法读取工作簿（{msg}）"


def read_grids(source, path: str, limits: Limits, checked_package: bool = False) -> list[Grid]:
    """``source`` is a path or a binary file object."""
    try:
        if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
            wb = pc.CalamineWorkbook.from_path(str(source))
        else:
            wb = pc.CalamineWorkbook.from_filelike(source)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 (calamine raises several unrelated types, a panic among them)
        raise UnreadableFile(path, _reason(e, checked_package)) from None
    try:
        names = list(wb.sheet_names)
        if len(set(names)) < len(names):  # (a crafted file: calamine finds sheets by name)
            fixed = _renamed_duplicates(source)
            if fixed is not None:
                wb.close()
                wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(fixed))
        return _grids(wb, path, limits)
    except (KeyboardInterrupt, SystemExit):
        raise
    except UnreadableFile:
        raise
    except BaseException as e:  # noqa: BLE001 (a Rust panic is a BaseException: the file, not the batch, fails)
        raise UnreadableFile(path, f"读取器无法处理此文件（{type(e).__name__}: {str(e)[:120]}），文件可能已损坏") from None
    finally:
        try:
            wb.close()
        except BaseException:  # noqa: BLE001
            pass


_SHEET_NAME = re.compile(rb'(<(?:\w+:)?sheet\b[^>]*?\bname=")([^"]*)(")')


def _renamed_duplicates(source) -> bytes | None:
    """An .xlsx package whose sheets that share a name are renamed "name（第N个工作表）"
    (N their place in the workbook), so that each can be read; None if it is not a zip."""
    try:
        if hasattr(source, "getvalue"):
            data = source.getvalue()
        else:
            with open(source, "rb") as fh:
                data = fh.read()
        zin = zipfile.ZipFile(io.BytesIO(data))
    except (OSError, zipfile.BadZipFile):
        return None
    with zin:
        workbook = zin.read("xl/workbook.xml")
        names = [m.group(2) for m in _SHEET_NAME.finditer(workbook)]
        index = iter(range(1, len(names) + 1))

        def rename(m) -> bytes:
            i = next(index)
            if names.count(m.group(2)) < 2:
                return m.group(0)
            return m.group(1) + m.group(2) + f"（第{i}个工作表）".encode() + m.group(3)

        workbook = _SHEET_NAME.sub(rename, workbook)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, workbook if info.filename == "xl/workbook.xml" else zin.read(info))
    return out.getvalue()


def _grids(wb, path: str, limits: Limits) -> list[Grid]:
    grids = []
    metas = list(wb.sheets_metadata)
    names = list(wb.sheet_names)
    twice = {n for n in names if names.count(n) > 1}
    for index, name in enumerate(names):
        m = metas[index] if index < len(metas) else None
        if m is not None and str(m.typ).lower().endswith(("chartsheet", "vba", "macrosheet", "dialogsheet")):
            continue
        try:
            sheet = wb.get_sheet_by_index(index)
        except Exception as e:
            raise UnreadableFile(path, f"工作表“{name}”无法读取：{_reason(e)}") from None
        if name in twice:  # (only a crafted file has two sheets of one name: tell them apart)
            name = f"{name}（第{index + 1}个工作表）"
        end = sheet.end
        h, w = (end[0] + 1, end[1] + 1) if end else (0, 0)
        if h * w > limits.max_cells:
            raise LimitExceeded(path, f"工作表“{name}”区域过大（{h} 行 × {w} 列，"
                                      f"超过 {limits.max_cells} 个单元格上限）；可用 --max-cells 调高上限")
        # absolute coordinates: row 0 is Excel row 1 even when the sheet starts lower
        rows = sheet.to_python(skip_empty_area=False) if end else []
        merges = [Merge._make(a + b) for a, b in (sheet.merged_cell_ranges or [])]  # ((r0, c0), (r1, c1))
        bad: list[Merge] = []
        if merges and any((m.r1 - m.r0 + 1) * (m.c1 - m.c0 + 1) > 64 or m.r1 >= h or m.c1 >= w for m in merges):
            merges, bad = sound_merges(merges, h, w)  # (rare: most ledgers' merges are small and inside)
        hidden = m is not None and "visible" not in str(m.visible).lower().split(".")[-1]
        grids.append(Grid(name=name, rows=rows, merges=merges, hidden=hidden, bad_merges=bad))
    return grids
