"""Files the installed command needs besides code: the add-in's VBA and ribbon (macros/) and
the bundled templates (workbook_templates/).

In a wheel they are the packages xltool.macros and xltool.workbook_templates (pyproject.toml
maps the repository's top-level folders there); an editable install from a checkout does not
map them, so there they are read from the checkout itself.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from .errors import UsageError

_CHECKOUT = Path(__file__).resolve().parents[1]


# a file every bundled folder has, to find the folder through (the folders are namespace
# packages, whose files() is a MultiplexedPath rather than a path on disk)
_PROBE = {"macros": "customUI14.xml", "workbook_templates": "division.xlsx"}


def folder(name: str) -> Path:
    """The folder of bundled files ``name`` ("macros" or "workbook_templates")."""
    try:
        probe = importlib.resources.files(f"xltool.{name}").joinpath(_PROBE[name])
        if probe.is_file():
            return Path(str(probe)).parent
    except ModuleNotFoundError:
        pass
    if (_CHECKOUT / name / _PROBE[name]).is_file():
        return _CHECKOUT / name
    raise UsageError(f"xltool 安装不完整：找不到随附的 {name} 文件夹；请重新安装（python -m pip install --force-reinstall xltool）")


def bundled(name: str, file: str) -> Path:
    """One bundled file; UsageError, in Chinese, if the installation lacks it."""
    path = folder(name) / file
    if not path.is_file():
        raise UsageError(f"xltool 安装不完整：缺少 {path}；请重新安装")
    return path
