"""LibreOffice headless as a converter: Word 97 documents (.doc) to .docx, so that a notice
attached as 附件1.doc goes through the same Word reader as a .docx (merges and line breaks
kept); and what we write (催办单 workbooks) to PDF for printing and sending.

No Python library reads the tables of a .doc with their merges, or lays out a workbook's
pages as Excel prints them; LibreOffice does, and offices often have it installed. It runs in
a temporary folder with a profile of its own (a LibreOffice the user has open is not
disturbed) and a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import LimitExceeded, UnreadableFile

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


def _run(program: str, folder: Path, to: str, sources: list[Path], seconds: float) -> Path:
    """One headless LibreOffice run converting ``sources`` to ``to`` into folder/out (returned).
    Raises subprocess.TimeoutExpired or OSError for the caller to say in its words."""
    cmd = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(folder / "out"), *map(str, sources)]
    subprocess.run(cmd, capture_output=True, timeout=seconds, check=False, stdin=subprocess.DEVNULL,
                   preexec_fn=_unlimited if os.name == "posix" else None)
    return folder / "out"


def convert(path: Path, label: str, to: str, folder: Path, seconds: float) -> Path:
    """``path`` converted by LibreOffice to the format ``to`` ('docx', 'pdf'), in ``folder``.
    Raises UnreadableFile with what to install or what went wrong, LimitExceeded on time."""
    program = soffice()
    if program is None:
        raise UnreadableFile(label, NEEDS_LIBREOFFICE)
    src = folder / f"source{path.suffix.lower() or '.doc'}"
    shutil.copyfile(path, src)  # (a name LibreOffice reads whatever the user's name holds)
    try:
        out = _run(program, folder, to, [src], seconds) / f"source.{to}"
    except subprocess.TimeoutExpired:
        raise LimitExceeded(label, f"LibreOffice 转换超过 {seconds:g} 秒仍未完成，已停止") from None
    except OSError as e:
        raise UnreadableFile(label, f"无法运行 LibreOffice（{e.strerror or e}）") from None
    if not out.is_file() or out.stat().st_size == 0:
        raise UnreadableFile(label, "LibreOffice 无法打开此 Word 文档（文件可能已损坏）")
    return out


class NoPdf(Exception):
    """Why no PDF was made (in Chinese); the workbooks are there all the same."""


def print_pdfs(pairs: list[tuple[Path, Path]], seconds: float) -> list[Path]:
    """Each (workbook, pdf path) printed to PDF by one LibreOffice run; the PDFs written.
    Raises NoPdf where LibreOffice is missing, fails to start or runs out of time."""
    program = soffice()
    if program is None:
        raise NoPdf("未安装 LibreOffice（免费，https://zh-cn.libreoffice.org/），只写出了工作簿；"
                    "可在 Excel/WPS 中打开后“导出为 PDF”")
    with tempfile.TemporaryDirectory(prefix="xltool-pdf-") as tmp:
        folder = Path(tmp)
        sources = []
        for i, (src, _) in enumerate(pairs):
            sources.append(folder / f"{i:05d}{src.suffix.lower()}")  # (plain names: see convert)
            shutil.copyfile(src, sources[-1])
        try:
            out = _run(program, folder, "pdf", sources, seconds)
        except subprocess.TimeoutExpired:
            raise NoPdf(f"LibreOffice 转换超过 {seconds:g} 秒仍未完成，已停止；只写出了工作簿") from None
        except OSError as e:
            raise NoPdf(f"无法运行 LibreOffice（{e.strerror or e}）；只写出了工作簿") from None
        written = []
        for src, (_, pdf) in zip(sources, pairs, strict=True):
            made = out / f"{src.stem}.pdf"
            if made.is_file() and made.stat().st_size:
                shutil.move(made, pdf)
                written.append(pdf)
        return written


def doc_as_docx(path: Path, label: str, seconds: float) -> bytes:
    """The .docx LibreOffice makes of a .doc, as bytes (the temporary folder is gone when
    this returns)."""
    with tempfile.TemporaryDirectory(prefix="xltool-doc-") as tmp:
        return convert(path, label, "docx", Path(tmp), seconds).read_bytes()
