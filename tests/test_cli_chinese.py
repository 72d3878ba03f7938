"""Everything the command says to a person is Chinese: help, usage errors, suggestions."""

import re

import pytest
from typer.testing import CliRunner

from xltool.cli import app

runner = CliRunner()
COMMANDS = [[], ["inspect"], ["deadline"], ["check"], ["rules"], ["rollup"], ["template"], ["template", "list"],
            ["template", "new"], ["fill"], ["import"], ["remind"], ["addin"], ["addin", "build"], ["addin", "install"],
            ["addin", "uninstall"], ["addin", "doctor"]]
# names that stay as they are: the product, file formats, programs, option values, ids
ALLOWED = {"xltool", "python", "excel", "wps", "json", "csv", "toml", "text", "xlsx", "xlsm", "xls", "docx", "doc",
           "pdf", "bom", "word", "xlwings", "xlam", "xlstart", "macos", "windows", "assessment", "division",
           "decomposition", "utf", "mb", "vba", "rule", "cpu", "scoring", "circular", "dist", "libreoffice",
           # the commands themselves: what one types
           "inspect", "deadline", "check", "rules", "rollup", "remind", "template", "list", "new", "fill", "import", "addin",
           "build", "install", "uninstall", "doctor"}


def english_words(text: str) -> set[str]:
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)  # option names
    text = re.sub(r"\b[A-Z]{2}\d{3}\b", " ", text)  # rule codes
    words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", text)}
    return words - ALLOWED


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "xltool")
def test_help_is_chinese(command):
    res = runner.invoke(app, command + ["--help"], prog_name="xltool")
    assert res.exit_code == 0, res.output
    assert not english_words(res.stdout), (command, english_words(res.stdout))


@pytest.mark.parametrize("args, says", [
    (["chek"], "没有 'chek' 这个命令"), (["check", "--nope", "."], "没有 '--nope' 这个选项"),
    (["template", "new"], "缺少参数"), (["fill", "x.xlsx"], "缺少选项"), (["check", "-j", "abc", "."], "值无效"),
])
def test_usage_errors_are_chinese(args, says):
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and says in res.stderr
    assert not {"Usage", "Error", "Missing", "Try", "No such"} & set(re.findall(r"[A-Za-z][A-Za-z ]+[a-z]", res.stderr))
    assert res.stderr.count("是否要用") <= 1  # a suggestion once, not twice


def test_the_shipped_catalogue_is_the_compiled_source(tmp_path, monkeypatch):
    """messages.mo is messages.po compiled (python -m xltool.locale): they cannot drift."""
    import gettext
    import shutil

    import xltool.locale as loc

    def messages(path):  # (the header carries the compile time: compare the messages)
        with open(path, "rb") as fh:
            catalogue = gettext.GNUTranslations(fh)._catalog
        return {k: v for k, v in catalogue.items() if k not in ("", ("", 0))}

    shipped = messages(loc.HERE / "zh_CN" / "LC_MESSAGES" / "messages.mo")
    copy = tmp_path / "locale"
    shutil.copytree(loc.HERE, copy)
    monkeypatch.setattr(loc, "HERE", copy)
    assert messages(loc.compile_catalogue()) == shipped and len(shipped) > 40


def test_display_width_counts_every_wide_character_twice():
    """The fast width (one regex over the common CJK blocks) agrees with the Unicode
    East Asian Width property for every character of the Basic Multilingual Plane and a
    sample beyond it, alone and mixed into text."""
    import unicodedata

    from xltool.output import width

    chars = [chr(c) for c in (*range(0x20, 0xD800), *range(0xE000, 0x10000), *range(0x1F300, 0x1F700, 7),
                              *range(0x20000, 0x2A6E0, 97))]
    for ch in chars:
        assert width(ch) == (2 if unicodedata.east_asian_width(ch) in "WF" else 1), hex(ord(ch))
    text = "".join(chars[::13])
    assert width(text) == sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    assert width("县财政局 2020年6月底前") == 22
