"""Workbook → Grids with python-calamine: values and merged ranges, no styles.

calamine (Rust) reads .xlsx/.xlsm/.xlsb/.xls/.ods about 50× faster than building
openpyxl's styled objects, and survives files openpyxl rejects (odd part names,
t="d" cells, broken .xls string tables). It is the read path for inspect and check.
"""

from __future__ import annotations

import python_calamine as pc

from ..errors import LimitExceeded, UnreadableFile
from ..model import Grid, Merge
from .guard import Limits

_new = tuple.__new__


def _reason(e: Exception, checked_package: bool = False) -> str:
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
    except Exception as e:  # calamine raises several unrelated types
        raise UnreadableFile(path, _reason(e, checked_package)) from None
    grids = []
    try:
        meta = {m.name: m for m in wb.sheets_metadata}
        for name in wb.sheet_names:
            m = meta.get(name)
            if m is not None and str(m.typ).lower().endswith(("chartsheet", "vba", "macrosheet", "dialogsheet")):
                continue
            try:
                sheet = wb.get_sheet_by_name(name)
            except Exception as e:
                raise UnreadableFile(path, f"工作表“{name}”无法读取：{_reason(e)}") from None
            end = sheet.end
            h, w = (end[0] + 1, end[1] + 1) if end else (0, 0)
            if h * w > limits.max_cells:
                raise LimitExceeded(path, f"工作表“{name}”区域过大（{h} 行 × {w} 列，"
                                          f"超过 {limits.max_cells} 个单元格上限）；可用 --max-cells 调高上限")
            # absolute coordinates: row 0 is Excel row 1 even when the sheet starts lower
            rows = sheet.to_python(skip_empty_area=False) if end else []
            # ((r0, c0), (r1, c1)) pairs; tuple.__new__ makes the named tuples without a Python call each
            merges = [_new(Merge, a + b) for a, b in (sheet.merged_cell_ranges or [])]
            hidden = m is not None and "visible" not in str(m.visible).lower().split(".")[-1]
            grids.append(Grid(name=name, rows=rows, merges=merges, hidden=hidden))
    finally:
        try:
            wb.close()
        except Exception:
            pass
    return grids
