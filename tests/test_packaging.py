"""What a plain (not editable) install gives a clerk: the add-in sources and the templates
travel inside the wheel, and the commands that need them work outside the source tree."""

import os
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


def test_the_package_list_names_every_package():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "xltool").rglob("__init__.py")}
    found = {f.removesuffix(".__init__.py").replace(".__init__", "") for f in found}
    found = {".".join(Path(f).parts) for f in found}
    assert set(cfg["packages"]) == {p.removesuffix(".__init__") for p in found} | set(cfg["package-dir"])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (whl,) = out.glob("xltool-*.whl")
    return whl


def test_the_wheel_carries_macros_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("xltool/macros/XltoolRibbon.bas", "xltool/macros/customUI14.xml",
              "xltool/workbook_templates/division.xlsx", "xltool/workbook_templates/assessment.xlsx",
              "xltool/workbook_templates/decomposition.xlsx"):
        assert f in names


@pytest.mark.slow
def test_installed_wheel_builds_the_addin_outside_the_source_tree(wheel, tmp_path):
    """A venv that sees the already-installed dependencies but gets xltool only from the wheel."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    py = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    work = tmp_path / "office"
    work.mkdir()

    def run(*args):
        return subprocess.run([str(py), "-m", "xltool", *args], cwd=work, capture_output=True, text=True, timeout=120)

    where = subprocess.run([str(py), "-c", "import xltool; print(xltool.__file__)"], cwd=work, capture_output=True,
                           text=True, check=True).stdout
    assert str(env_dir) in where  # the wheel, not the checkout
    listed = run("template", "list", "--json")
    assert listed.returncode == 0 and all(str(env_dir) in row["file"] for row in __import__("json").loads(listed.stdout))
    built = run("addin", "build", "-o", "dist")
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(work / "dist" / "xltool.xlam") as z:
        assert b"xltoolTab" in z.read("customUI/customUI14.xml")
    assert run("template", "new", "division", "-o", "台账.xlsx").returncode == 0
