"""Exceptions: raised only when a file cannot be processed at all.

Problems *inside* a readable ledger are findings (see ``xltool.model.Finding``),
never exceptions.
"""

from __future__ import annotations


class XltoolError(Exception):
    """Base class for every error xltool raises on purpose."""


class UnreadableFile(XltoolError):
    """A file that is not a workbook we can read; the message is Chinese and names the reason."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}：{reason}")

    def __reduce__(self):  # (crosses from a reading child process: xltool/isolate.py)
        return type(self), (self.path, self.reason)


class EncryptedFile(UnreadableFile):
    """A password-protected workbook opened without (or with a wrong) password."""


class LimitExceeded(UnreadableFile):
    """A file larger than a configured safety limit (uncompressed size, cell count)."""


class UsageError(XltoolError):
    """Bad command-line input: a date that is not a date, an unknown kind, an existing output."""


class OurOutput(UnreadableFile):
    """A workbook xltool itself wrote (a report, a summary, an annotated or filled copy):
    never read back as a ledger. ``kind`` is what it is, in Chinese."""

    def __init__(self, path: str, kind: str):
        self.kind = kind
        super().__init__(path, f"这是 xltool 生成的{kind}，不是台账，已跳过")

    def __reduce__(self):
        return type(self), (self.path, self.kind)
