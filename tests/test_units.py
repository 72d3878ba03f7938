from hypothesis import given
from hypothesis import strategies as st

from xltool.units import Roster, doubled_suffix, split_units


def test_role_phrases_split_lead_and_responsible():
    u = split_units("市发改局牵头落实；市工信局、市教体局按职责分工分别落实")
    assert u.lead == ("市发改局",)
    assert u.responsible == ("市工信局", "市教体局")


def test_brackets_are_not_split_and_nothing_is_rewritten():
    assert split_units("镇机关各办（中心、站、所）").responsible == ("镇机关各办（中心、站、所）",)
    assert split_units("各县、区政府").responsible == ("各县", "区政府")


def test_open_list_flag():
    u = split_units("县政府办、县发改委等有关部门，各乡镇人民政府")
    assert u.responsible == ("县政府办", "县发改委", "各乡镇人民政府")
    assert u.others
    assert not split_units("县政府办").others


def test_line_breaks_and_column_role():
    assert split_units("办公室\n法规科\n督查科").responsible == ("办公室", "法规科", "督查科")
    assert split_units("市编办\n市政管办", "lead").lead == ("市编办", "市政管办")
    # "落实" alone keeps the column's role; 牵头 makes a clause lead even in 责任单位
    assert split_units("市政府办公室落实", "lead").lead == ("市政府办公室",)
    assert split_units("市委宣传部牵头落实").lead == ("市委宣传部",)


def test_roster_alias_group_and_suggestion():
    r = Roster.from_toml("""
units = ["县政府办公室", "县财政局", "甲镇人民政府", "乙镇人民政府"]
[aliases]
"县政府办" = "县政府办公室"
[groups]
"各乡镇人民政府" = ["甲镇人民政府", "乙镇人民政府"]
""")
    assert r.canonical("县政府办") == "县政府办公室"
    assert r.canonical("县 财政局") == "县财政局"
    assert r.canonical("县财政厅") is None
    assert r.suggest("县财政厅") == "县财政局"
    assert r.expand("各乡镇人民政府") == ["甲镇人民政府", "乙镇人民政府"]


def test_doubled_suffix():
    assert doubled_suffix("食品药品监管局局") == "食品药品监管局"
    assert doubled_suffix("市市场监管局") is None


# (no character of a role word such as 牵头 or 配合: a name here is only ever a name; it ends
# as a unit's name does, so a line break after it is a separator)
names = st.builds(lambda a, b: a + b, st.text(alphabet="市县局办委科中心甲乙丙丁政府部门", min_size=1, max_size=7),
                  st.sampled_from("局办委心府门"))


@given(st.lists(names, min_size=1, max_size=6), st.sampled_from(["、", "，", ",", "；", "\n"]))
def test_split_round_trip(parts, sep):
    u = split_units(sep.join(parts))
    assert list(u.all) == list(dict.fromkeys(parts))


@given(st.text(max_size=60))
def test_split_never_raises_and_never_invents_text(text):
    u = split_units(text)
    for name in u.all:
        assert name
        assert all(ch in text for ch in name)


def test_near_duplicates_leave_doubled_suffixes_and_short_names_to_their_own_findings():
    from collections import Counter

    from xltool.units import near_duplicates

    counts = Counter({"县经济开发区管委会": 6, "县开发区管委会": 1, "县财政局": 5, "县财政局局": 1,
                      "县税务局": 4, "县商务局": 1, "县市场监督管理局": 3, "县市场监督管里局": 1})
    assert near_duplicates(counts) == {"县开发区管委会": "县经济开发区管委会", "县市场监督管里局": "县市场监督管理局"}


@given(st.lists(st.tuples(st.text(alphabet="甲乙丙丁生态环境卫生健康", min_size=2, max_size=6),
                          st.text(alphabet="甲乙丙丁", min_size=0, max_size=3).map(lambda t: t + "局")),
                min_size=1, max_size=4))
def test_a_line_break_inside_a_name_is_rejoined(halves):
    """A name wrapped inside the cell (its first line does not end as a name does) is one
    name; names that end as names do, one per line, stay apart."""
    cell = "、".join(f"{a}\n{b}" for a, b in halves)
    assert list(split_units(cell).all) == list(dict.fromkeys(a + b for a, b in halves))


def test_doubled_characters_and_fragments_are_told_apart_from_names():
    from xltool.units import looks_cut

    assert doubled_suffix("县国有企企") == "县国有企"
    assert [n for n in ("省食品药品", "省医疗", "县国有资产") if looks_cut(n)] == ["省食品药品", "省医疗", "县国有资产"]
    assert not [n for n in ("县妇联", "县科协", "各村（社区）", "各镇、街", "县电视台", "市直各部门", "党政办")
                if looks_cut(n)]


def test_a_fragment_left_by_a_split_name_is_a_finding(tmp_path):
    """Without a roster: the piece of a name a 、 cut apart is reported; whole names are not."""
    from openpyxl import Workbook

    from xltool import api

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位", "责任单位", "时限要求"])
    ws.append([1, "公开抽检结果", "省食品药品、监管局", "省卫生健康委员会", "2019年底前"])
    ws.append([2, "公开国企信息", "省国资委", "省国有企企", "2019年底前"])
    wb.save(tmp_path / "t.xlsx")
    found = [(f.cell, f.value, f.suggestion) for f in api.check([tmp_path / "t.xlsx"], as_of="2019-06-01").files[0].findings
             if f.rule == "unknown-unit"]
    assert found == [("C2", "省食品药品", None), ("D3", "省国有企企", "省国有企")]


def test_a_long_role_phrase_ends_its_clause_without_a_separator():
    """A PDF loses the line break after "分别落实", and a clerk may never have typed one."""
    u = split_units("市科技局、市统计局按职责分工分别落实各镇(街区)落实")
    assert (u.lead, u.responsible) == ((), ("市科技局", "市统计局", "各镇(街区)"))
    u = split_units("市司法局、市综合执法局牵头落实市直各有关部门")
    assert (u.lead, u.responsible) == (("市司法局", "市综合执法局"), ("市直各有关部门",))
    # a name that merely contains such words is left whole
    assert split_units("县推进落实办").responsible == ("县推进落实办",)
