"""Real files from other projects (../shared/corpus): a correct result or one clear error."""

import pytest
from conftest import CORPUS

from xltool.errors import UnreadableFile
from xltool.reader import read_ledger

FILES = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".xlsx", ".xlsm", ".xls")) if CORPUS.is_dir() else []
BROKEN = {"issue252.xlsx": "损坏", "too_small.xls": "不是 Excel"}


@pytest.mark.skipif(not FILES, reason="../shared/corpus not present")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_file_reads_or_fails_clearly(path):
    if path.name in BROKEN:
        with pytest.raises(UnreadableFile) as e:
            read_ledger(path)
        assert BROKEN[path.name] in str(e.value) and "\n" not in str(e.value)
        return
    led = read_ledger(path)
    assert led.book.sheets, "every readable workbook has at least one sheet"
    # none of these is a 政务公开 ledger: no task table may be invented from them
    assert led.tables == []


@pytest.mark.skipif(not FILES, reason="../shared/corpus not present")
def test_merged_ranges_from_xlsx_and_xls_agree():
    from xltool.grid import read_book

    a = read_book(CORPUS / "calamine" / "merged_range.xlsx").sheets[0]
    b = read_book(CORPUS / "calamine" / "merged_range.xls").sheets[0]
    assert sorted((m.r0, m.c0, m.r1, m.c1) for m in a.merges) == sorted((m.r0, m.c0, m.r1, m.c1) for m in b.merges)
    assert a.value(1, 0) == a.value(0, 0) == "A1"  # vertical merge A1:A2
