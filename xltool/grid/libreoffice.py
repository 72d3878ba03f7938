"""Word 97 documents (.doc) to .docx through LibreOffice headless, so that a notice attached
as 附件1.doc goes through the same Word reader as a .docx (merges and line breaks kept).

No Python library reads the tables of a .doc with their merges; LibreOffice's own filter
does, and offices often have it installed. It runs in a temporary folder with a profile of
its own (a LibreOffice the user has open is not disturbed) and a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import LimitExceeded, UnreadableFile

_WINDOWS_PLACES = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                   r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
NEEDS_LIBREOFFICE = ("读取 Word 97 文档（.doc）需要安装 LibreOffice（免费，https://zh-cn.libreoffice.org/），"
                     "或在 Word/WPS 中将其“另存为” .docx 后再导入")


def soffice() -> str | None:
    """The LibreOffice program: $XLTOOL_SOFFICE, then PATH, then where Windows installs it."""
    named = os.environ.get("XLTOOL_SOFFICE")
    if named and Path(named).is_file():
        return named
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if sys.platform == "win32":
        return next((p for p in _WINDOWS_PLACES if Path(p).is_file()), None)
    return None


def _unlimited() -> None:  # pragma: no cover - runs in the LibreOffice child
    """LibreOffice maps far more address space than it uses: the reading process's limit
    (isolate.fence) would stop it at start, so it runs with the hard limit and a timeout."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def convert(path: Path, label: str, to: str, folder: Path, seconds: float) -> Path:
    """``path`` converted by LibreOffice to the format ``to`` ('docx', 'pdf'), in ``folder``.
    Raises UnreadableFile with what to install or what went wrong, LimitExceeded on time."""
    program = soffice()
    if program is None:
        raise UnreadableFile(label, NEEDS_LIBREOFFICE)
    src = folder / f"source{path.suffix.lower() or '.doc'}"
    shutil.copyfile(path, src)  # (a name LibreOffice reads whatever the user's name holds)
    cmd = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(folder / "out"), str(src)]
    try:
        subprocess.run(cmd, capture_output=True, timeout=seconds, check=False, stdin=subprocess.DEVNULL,
                       preexec_fn=_unlimited if os.name == "posix" else None)
    except subprocess.TimeoutExpired:
        raise LimitExceeded(label, f"LibreOffice 转换超过 {seconds:g} 秒仍未完成，已停止") from None
    except OSError as e:
        raise UnreadableFile(label, f"无法运行 LibreOffice（{e.strerror or e}）") from None
    out = folder / "out" / f"source.{to}"
    if not out.is_file() or out.stat().st_size == 0:
        raise UnreadableFile(label, "LibreOffice 无法打开此 Word 文档（文件可能已损坏）")
    return out


def doc_as_docx(path: Path, label: str, seconds: float) -> bytes:
    """The .docx LibreOffice makes of a .doc, as bytes (the temporary folder is gone when
    this returns)."""
    with tempfile.TemporaryDirectory(prefix="xltool-doc-") as tmp:
        return convert(path, label, "docx", Path(tmp), seconds).read_bytes()
