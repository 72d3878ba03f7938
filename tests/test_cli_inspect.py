import json

from conftest import seed
from typer.testing import CliRunner

from xltool.cli import app
from xltool.reader import read_ledger

runner = CliRunner()


def test_inspect_json_equals_library():
    path = seed("004")
    res = runner.invoke(app, ["inspect", str(path), "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc == json.loads(json.dumps(read_ledger(path, label=str(path)).to_json(), ensure_ascii=False, default=str))
    t = doc["tables"][0]
    assert (t["kind"], t["header_row"], len(t["tasks"])) == ("division", 4, 48)
    first = t["tasks"][0]
    assert set(first) >= {"excel_row", "seq", "section", "task", "lead_units", "responsible_units", "others",
                          "deadline", "level1", "points", "level2"}
    assert first["deadline"] == {"text": "2020年\n底前", "kind": "date", "due": "2020-12-31",
                                 "milestones": ["2020-12-31"]}


def test_inspect_text_names_sheet_kind_and_rows():
    res = runner.invoke(app, ["inspect", str(seed("001"))])
    assert res.exit_code == 0
    assert "任务分解表（decomposition）" in res.stdout and "34 行任务" in res.stdout
    assert "2018年7月底前 → 2018-07-31" in res.stdout


def test_unreadable_file_exit_2_one_line(tmp_path):
    p = tmp_path / "坏 文件.xlsx"
    p.write_bytes(b"not a workbook at all")
    res = runner.invoke(app, ["inspect", str(p)])
    assert res.exit_code == 2
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and str(p) in lines[0] and "Traceback" not in res.output


def test_deadline_command():
    res = runner.invoke(app, ["deadline", "10个工作日内", "--issued", "2020-09-27", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout) == {"text": "10个工作日内", "kind": "relative", "due": "2020-10-16",
                                      "milestones": ["2020-10-16"]}
    res = runner.invoke(app, ["deadline", "6月底前/全年", "--year", "2019"])
    assert "2019-12-31" in res.stdout and "2019-06-30" in res.stdout


def test_bad_date_is_a_usage_error():
    res = runner.invoke(app, ["deadline", "全年", "--as-of", "明天"])
    assert res.exit_code == 2


def test_json_output_writes_dates_as_iso_and_number_keys_as_text(capsys):
    import datetime as dt

    from xltool.output import print_json

    print_json({"as_of": dt.date(2020, 12, 15), "by_row": {7: "B7", 12: ["D12"]}})
    print_json({"plain": 1})
    first, second = capsys.readouterr().out.splitlines()
    assert json.loads(first) == {"as_of": "2020-12-15", "by_row": {"7": "B7", "12": ["D12"]}}
    assert json.loads(second) == {"plain": 1}
