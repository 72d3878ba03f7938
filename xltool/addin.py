"""``xltool addin``: build, install, check and remove the Excel add-in (xltool.xlam).

build:     xlwings' own ribbon add-in template (its VBA project carries the xlwings module
           with RunPython) with our ribbon (macros/customUI14.xml) in place of the example one
           and the template's leftovers renamed; our VBA module (macros/XltoolRibbon.bas)
           beside it. Works anywhere, from the installed package.
install:   Windows with Excel: imports our module into the add-in through the VBA editor's
           object model (Excel must trust access to it), names the project's configuration
           after xltool, removes the template's example module, checks that the module is
           really in the saved add-in, writes the interpreter to %USERPROFILE%\\.xltool\\
           xltool.conf (the file the add-in reads, never xlwings.conf) and copies the add-in
           into XLSTART. macOS: the module is imported by hand once; install checks it is
           there and never rebuilds over it.
doctor:    what the add-in will run with, in Chinese.
uninstall: the add-in out of XLSTART and our configuration file away.

A VBA project built from source without Excel (vbaProject.bin) would make the import step
unnecessary; the README says why that route is not taken yet.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .errors import UsageError

RIBBON = "customUI14.xml"
BAS = "XltoolRibbon.bas"
MODULE = "XltoolRibbon"
ADDIN = "xltool.xlam"
PROJECT = "xltool"  # the add-in's configuration: %USERPROFILE%\.xltool\xltool.conf
CALLBACKS = ("XltoolValidate", "XltoolMarkOverdue", "XltoolFillMerged", "XltoolRollup", "XltoolCircular",
             "XltoolClearMarks")
TEMPLATE_PROJECT = "myaddin"
TEMPLATE_MODULE = "RibbonMyAddin"
EXTENSIBILITY = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
TRUST = "信任对 VBA 工程对象模型的访问"
TRUST_PATH = "Excel 的“文件 → 选项 → 信任中心 → 信任中心设置 → 宏设置”"


def macros_dir() -> Path:
    """The add-in's sources (ribbon and VBA module), from the installed package."""
    from .resources import bundled

    return bundled("macros", RIBBON).parent


def xlwings_template() -> Path:
    import xlwings

    p = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not p.exists():
        raise UsageError("xlwings 安装不完整：缺少 quickstart_addin_ribbon.xlam；请运行 python -m pip install --force-reinstall xlwings")
    return p


def build(out_dir: Path) -> Path:
    """xltool.xlam in ``out_dir`` (plus the .bas module to import into it); absolute path."""
    src = macros_dir()
    out_dir = Path(out_dir).resolve()
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
            elif name == "xl/workbook.xml":  # the template's (disabled) config sheet, under our name
                data = data.replace(f'name="_{TEMPLATE_PROJECT}.conf"'.encode(), f'name="_{PROJECT}.conf"'.encode())
            zout.writestr(info, data)
        zout.writestr(f"customUI/{RIBBON}", ribbon)
    shutil.copyfile(src / BAS, out_dir / BAS)
    return target


# --- what a built add-in holds ----------------------------------------------------------

def vba_modules(xlam: Path) -> dict[str, str]:
    """Module name -> source of the add-in's VBA project (read with oletools' olevba)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlam))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def problems(xlam: Path) -> list[str]:
    """What keeps an add-in file from working, in Chinese ([] when it is complete)."""
    if not xlam.is_file():
        return [f"加载项文件 {xlam} 不存在"]
    try:
        modules = vba_modules(xlam)
    except Exception as e:  # noqa: BLE001 (a damaged file: say so, whatever oletools raised)
        return [f"无法读取 {xlam} 中的宏（{type(e).__name__}: {e}）"]
    out = []
    code = modules.get(MODULE)
    if code is None:
        out.append(f"宏模块 {MODULE} 不在加载项中（需要导入 {BAS}）")
    else:
        missing = [c for c in CALLBACKS if not re.search(rf"Sub {c}\(control As IRibbonControl\)", code)]
        if missing:
            out.append(f"宏模块 {MODULE} 缺少按钮过程：{'、'.join(missing)}")
    xlwings_code = modules.get("xlwings", "")
    if "Function RunPython" not in xlwings_code:
        out.append("加载项中没有 xlwings 的 RunPython 模块")
    elif not re.search(rf'PROJECT_NAME As String = "{PROJECT}"', xlwings_code):
        out.append(f"xlwings 模块的 PROJECT_NAME 不是 {PROJECT}（加载项不会读取 {conf_path()}）")
    if TEMPLATE_MODULE in modules:
        out.append(f"加载项中还留有模板的示例模块 {TEMPLATE_MODULE}")
    return out


# --- configuration the add-in reads -------------------------------------------------------

def conf_path() -> Path:
    """Where the add-in's xlwings module looks for its settings (GetConfigFilePath)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT}.conf"
    return Path(os.environ.get("USERPROFILE") or Path.home()) / f".{PROJECT}" / f"{PROJECT}.conf"


def write_conf(interpreter: str | None = None) -> Path:
    """The interpreter of this Python (the one xltool is installed in) in the add-in's own
    configuration file, as VBA's ``Input #`` reads it: "KEY","value" lines in the system
    code page (a user folder with a Chinese name must survive)."""
    path = conf_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    exe = Path(interpreter or sys.executable)
    if sys.platform == "win32" and exe.name.lower() == "python.exe" and (exe.parent / "pythonw.exe").exists():
        exe = exe.parent / "pythonw.exe"  # no console window flashing at every button
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    encoding = "mbcs" if sys.platform == "win32" else "utf-8"
    path.write_text(f'"{key}","{exe}"\r\n', encoding=encoding)
    return path


def read_conf() -> dict[str, str]:
    path = conf_path()
    if not path.is_file():
        return {}
    encoding = "mbcs" if sys.platform == "win32" else "utf-8"
    pairs = re.findall(r'"([^"]*)"\s*,\s*"([^"]*)"', path.read_text(encoding=encoding, errors="replace"))
    return {k.upper(): v for k, v in pairs}


# --- Excel -------------------------------------------------------------------------------

def excel_available() -> tuple[bool, str]:
    if sys.platform not in ("win32", "darwin"):
        return False, (f"本机是 {sys.platform}，没有 Microsoft Excel。加载项需要安装了 Excel 的 Windows 或 macOS 电脑："
                       "可先用 xltool addin build -o 目录 生成 xltool.xlam，复制到那台电脑，再按 README 的步骤安装。")
    try:
        import xlwings as xw

        if not xw.apps.count:
            xw.App(visible=False).quit()
    except Exception as e:  # noqa: BLE001 (no Excel, or Excel refused to start: either way, say it)
        return False, f"没有找到可用的 Microsoft Excel（{e}）"
    return True, ""


def _xlwings(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from xlwings.cli import main; sys.argv[0] = 'xlwings'; "
                           "main()", *args], capture_output=True, text=True)


def _import_module(path: Path) -> None:
    """Windows: our module into the add-in, the project's configuration named after xltool,
    the template's example module out; each failure with its own Chinese message."""
    import xlwings as xw

    bas = path.parent / BAS
    app = xw.App(visible=False, add_book=False)
    try:
        book = app.books.open(str(path))
        try:
            project = book.api.VBProject
            components = project.VBComponents
        except Exception as e:  # noqa: BLE001 (COM refuses access: the trust setting)
            raise UsageError(f"Excel 不允许访问加载项的宏工程：请在{TRUST_PATH}中勾选“{TRUST}”后重试"
                             f"（装好后可再取消）。Excel 的原话：{e}") from None
        try:
            components.Import(str(bas))
        except Exception as e:  # noqa: BLE001
            raise UsageError(f"无法把 {bas} 导入加载项：{e}") from None
        code = components.Item("xlwings").CodeModule
        for i in range(1, code.CountOfLines + 1):
            if code.Lines(i, 1).startswith("Public Const PROJECT_NAME"):
                code.ReplaceLine(i, f'Public Const PROJECT_NAME As String = "{PROJECT}"')
                break
        try:
            components.Remove(components.Item(TEMPLATE_MODULE))
        except Exception:  # noqa: BLE001 (already gone)
            pass
        book.save()
        book.close()
    finally:
        app.quit()


def install(out_dir: Path) -> tuple[Path, Path]:
    """(the add-in in XLSTART's source folder, the configuration file). Never says it worked
    unless the saved add-in holds our module."""
    ok, why = excel_available()
    if not ok:
        raise UsageError(why)
    path = Path(out_dir).resolve() / ADDIN
    if sys.platform == "win32":
        path = build(out_dir)
        _import_module(path)
    elif problems(path) or not path.exists():  # macOS: AppleScript cannot import VBA modules
        if not path.exists():
            path = build(out_dir)
        raise UsageError(f"macOS 需要手工导入宏模块一次：在 Excel 中打开 {path}，按 Option+F11 打开 Visual Basic 编辑器，"
                         f"选择 文件 → 导入文件，导入 {path.parent / BAS}；再把模块 xlwings 中的 PROJECT_NAME 改为 "
                         f"\"{PROJECT}\"，删除模块 {TEMPLATE_MODULE}，保存后重新运行本命令（不会覆盖您导入的模块）。")
    left = problems(path)
    if left:
        raise UsageError("加载项没有装好：" + "；".join(left))
    conf = write_conf()
    done = _xlwings("addin", "install", "--file", str(path))
    if done.returncode:
        raise UsageError(f"无法把加载项复制到 Excel 的启动文件夹（XLSTART）：{(done.stderr or done.stdout).strip()}")
    return path, conf


def uninstall() -> list[str]:
    """Remove the add-in from XLSTART and our configuration file; what was done, in Chinese."""
    out = []
    if sys.platform in ("win32", "darwin"):
        done = _xlwings("addin", "remove", "--file", ADDIN)
        out.append("已从 Excel 启动文件夹删除 xltool.xlam" if done.returncode == 0 else
                   f"Excel 启动文件夹中没有可删除的 xltool.xlam（{(done.stderr or done.stdout).strip()}）")
    conf = conf_path()
    if conf.is_file():
        conf.unlink()
        out.append(f"已删除配置文件 {conf}")
    if not out:
        out.append("本机没有安装 xltool 加载项，无需卸载")
    return out


def doctor(out_dir: Path) -> list[tuple[str, str, bool]]:
    """(item, what was found, fine) for everything the add-in depends on, in Chinese."""
    from . import __version__

    rows = [("Python", sys.executable, True), ("xltool 版本", __version__, True)]
    conf = read_conf()
    interp = conf.get("INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN")
    rows.append(("配置文件", f"{conf_path()}" + ("" if conf else "（不存在：请运行 xltool addin install）"), bool(conf)))
    if conf:
        same = interp is not None and Path(interp).parent == Path(sys.executable).parent
        rows.append(("加载项使用的 Python", interp or "（未设置）", same))
    ok, why = excel_available()
    rows.append(("Microsoft Excel", "可用" if ok else why, ok))
    built = Path(out_dir).resolve() / ADDIN
    left = problems(built) if built.exists() else [f"{built} 不存在：请运行 xltool addin build 或 install"]
    rows.append(("加载项文件", "完整" if not left else "；".join(left), not left))
    if sys.platform == "win32":
        rows.append(_trust_row())
    return rows


def _trust_row() -> tuple[str, str, bool]:
    """Windows: whether Excel trusts access to the VBA project object model (the registry)."""
    import winreg

    for version in ("16.0", "15.0", "14.0"):
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, rf"Software\Microsoft\Office\{version}\Excel\Security") as key:
                value, _ = winreg.QueryValueEx(key, "AccessVBOM")
                return (f"“{TRUST}”", "已勾选" if value == 1 else f"未勾选（安装时需要，见{TRUST_PATH}）", value == 1)
        except OSError:
            continue
    return (f"“{TRUST}”", f"无法读取（安装时需要勾选，见{TRUST_PATH}）", False)
