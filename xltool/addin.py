"""``xltool addin``: build and install the Excel add-in (xltool.xlam) on xlwings' tooling.

build:   xlwings' own ribbon add-in template (it carries the xlwings VBA module that
         provides RunPython) with our ribbon (macros/customUI14.xml) put in its place and
         our VBA module (macros/XltoolRibbon.bas) beside it. Works anywhere.
install: on Windows with Excel, imports the .bas module into the add-in (Excel must trust
         access to the VBA project object model), points xlwings at this Python
         (``xlwings config create``) and installs the add-in into XLSTART
         (``xlwings addin install --file``). Elsewhere it says what is needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .errors import UsageError

RIBBON = "customUI14.xml"
BAS = "XltoolRibbon.bas"
ADDIN = "xltool.xlam"
EXTENSIBILITY = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def macros_dir() -> Path:
    """The add-in's sources (ribbon and VBA module), from the installed package."""
    from .resources import bundled

    return bundled("macros", RIBBON).parent


def xlwings_template() -> Path:
    import xlwings

    p = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not p.exists():
        raise UsageError("xlwings 安装不完整：缺少 quickstart_addin_ribbon.xlam")
    return p


def build(out_dir: Path) -> Path:
    """xltool.xlam in ``out_dir`` (plus the .bas module to import into it)."""
    src = macros_dir()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ADDIN
    ribbon = (src / RIBBON).read_bytes()
    with zipfile.ZipFile(xlwings_template()) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            if name.lower().startswith("customui/"):
                continue  # the template's example ribbon
            data = zin.read(info)
            if name == "_rels/.rels":
                text = data.decode("utf-8")
                text = re.sub(r'<Relationship[^>]*?Type="' + re.escape(EXTENSIBILITY) + r'"[^>]*/>', "", text)
                text = text.replace("</Relationships>", f'<Relationship Id="xltoolRibbon" Type="{EXTENSIBILITY}" '
                                                        f'Target="customUI/{RIBBON}"/></Relationships>')
                data = text.encode("utf-8")
            zout.writestr(info, data)
        zout.writestr(f"customUI/{RIBBON}", ribbon)
    shutil.copyfile(src / BAS, out_dir / BAS)
    return target


def excel_available() -> tuple[bool, str]:
    if sys.platform not in ("win32", "darwin"):
        return False, (f"本机是 {sys.platform}，没有 Microsoft Excel。加载项需要安装了 Excel 的 Windows 或 macOS 电脑："
                       "可先用 xltool addin build -o 目录 生成 xltool.xlam，复制到那台电脑，再按 README 的步骤安装。")
    try:
        import xlwings as xw

        if not xw.apps.count and not shutil.which("EXCEL.EXE"):
            xw.App(visible=False).quit()
    except Exception as e:
        return False, f"没有找到可用的 Microsoft Excel（{e}）"
    return True, ""


def _xlwings(*args: str) -> None:
    subprocess.run([sys.executable, "-c", "import sys; from xlwings.cli import main; sys.argv[0] = 'xlwings'; main()",
                    *args], check=True)


def install(out_dir: Path) -> Path:
    ok, why = excel_available()
    if not ok:
        raise UsageError(why)
    path = build(out_dir)
    if sys.platform == "win32":
        import xlwings as xw

        app = xw.App(visible=False, add_book=False)
        try:
            book = app.books.open(str(path))
            try:
                book.api.VBProject.VBComponents.Import(str(Path(out_dir) / BAS))
            except Exception as e:
                raise UsageError("无法把宏模块导入加载项：请在 Excel 的“文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置”中"
                                 f"勾选“信任对 VBA 工程对象模型的访问”，然后重试（{e}）") from None
            book.save()
            book.close()
        finally:
            app.quit()
    else:  # macOS: Excel's AppleScript cannot import VBA modules
        print(f"macOS：请在 Excel 中打开 {path}，按 Alt+F11（或 工具 → 宏 → Visual Basic 编辑器），"
              f"选择 文件 → 导入文件，导入 {Path(out_dir) / BAS}，保存后再运行本命令。", file=sys.stderr)
    _xlwings("config", "create", "--force")  # this Python becomes the interpreter xlwings runs
    _xlwings("addin", "install", "--file", str(path))
    return path
