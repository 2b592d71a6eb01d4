"""The installed package: one `arsearch` namespace beside other packages, and the Whoosh check at start-up.

The install test runs `pip install .` on a copy of the sources into a fresh venv that already holds
another distribution with a top-level `web` module (as web.py has). The venv reaches the runtime
dependencies and the build backend (no download, no build isolation) through a path entry to this
environment's site-packages, where arsearch is only an editable install that such an entry never loads.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import arsearch

from .conftest import ROOT, SEEDS, env_without_index

#: What the wheel is built from: pyproject.toml's package-dir mapping and the files it names.
SOURCES = ("pyproject.toml", "README.md", "arsearch", "indexer", "search", "cli", "web", "opensearch")
OTHER_WEB = '"""Not arsearch: a package of its own named web, as web.py is."""\nWHO = "web.py"\n'


def run(*args, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """A command run from ``cwd``: never from the repository, whose own folders would shadow the install."""
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=cwd, **kwargs)


def place_other_web(site: Path) -> None:
    """Another distribution whose top-level module is `web`, as pip would have left it."""
    (site / "web").mkdir()
    (site / "web" / "__init__.py").write_text(OTHER_WEB, "utf-8")
    info = site / "otherweb-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: otherweb\nVersion: 1.0\n", "utf-8")
    (info / "top_level.txt").write_text("web\n", "utf-8")
    (info / "RECORD").write_text("web/__init__.py,,\notherweb-1.0.dist-info/METADATA,,\n", "utf-8")


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv holding another distribution's `web` module, then `pip install .` of a copy of the sources."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "arsearch"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    env = tmp / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", str(env), cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = env / "bin" / "python"
    site = Path(run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip())
    place_other_web(site)
    # Dependencies and the build backend from this environment, after the venv's own site-packages.
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    done = run(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
               "--no-build-isolation", "--no-index", "./arsearch", cwd=tmp)
    assert done.returncode == 0, done.stderr
    return env


def test_only_arsearch_at_the_top_of_site_packages(venv):
    site = next((venv / "lib").glob("python*/site-packages"))
    (record,) = site.glob("arsearch-*.dist-info/RECORD")
    tops = {line.split(",")[0].split("/")[0] for line in record.read_text("utf-8").splitlines() if line}
    assert tops - {".."} == {"arsearch", record.parent.name}  # ".." is bin/arsearch
    installed = {p.name for p in (site / "arsearch").iterdir()}
    assert {"indexer", "search", "cli", "web", "__main__.py"} <= installed


def test_installed_command_searches(venv, tmp_path):
    done = run(str(venv / "bin" / "arsearch"), "search", "سوريا", "--corpus", str(SEEDS), "--json",
               cwd=tmp_path, env=env_without_index())  # the default index/, built on first use
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] == 10 and "syria" in result["facets"]["actors"]  # the shipped gazetteer is installed


def test_installed_page_beside_another_web_module(venv, seed_index, tmp_path):
    """The other `web` stays what it was; arsearch's page comes from the install, templates and styles too."""
    script = (
        "import sys, web, arsearch.web; from arsearch.web import create_app\n"
        "client = create_app(sys.argv[1]).test_client()\n"
        "page = client.get('/?q=سوريا'); css = client.get('/static/style.css'); css.close()\n"
        "print(web.WHO, arsearch.web.__file__.startswith(sys.prefix), page.status_code,\n"
        "      '<mark>سورية</mark>' in page.get_data(as_text=True), css.status_code)\n"
    )
    done = run(str(venv / "bin" / "python"), "-c", script, str(seed_index), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["web.py", "True", "200", "True", "200"]


def fake_whoosh(folder: Path, version: str, dist_info: str | None) -> Path:
    """A folder that puts a `whoosh` module of ``version`` first on sys.path, with an optional dist-info."""
    (folder / "whoosh").mkdir(parents=True)
    (folder / "whoosh" / "__init__.py").write_text(f"__version__ = ({version.replace('.', ', ')})\n", "utf-8")
    if dist_info:
        (folder / dist_info).mkdir()
    return folder


@pytest.mark.parametrize(
    "version, dist_info, message",
    [
        pytest.param("2.7.4", None, "is not whoosh-reloaded's", id="shadowed-by-another-whoosh"),
        pytest.param("2.7.4", "Whoosh_Reloaded-2.7.5.dist-info", "is version 2.7.4, from whoosh-reloaded 2.7.5",
                     id="plain-whoosh-installed-over-it"),
        pytest.param("2.7.6", "whoosh_reloaded-2.7.6.dist-info", "is version 2.7.6, from whoosh-reloaded 2.7.6",
                     id="another-whoosh-reloaded"),
    ],
)
def test_wrong_whoosh_is_one_line_and_exit_2(tmp_path, version, dist_info, message):
    folder = fake_whoosh(tmp_path / "site", version, dist_info)
    for command in ([sys.executable, "-m", "arsearch"], [str(Path(sys.executable).parent / "arsearch")]):
        done = run(*command, "search", "سوريا", env={"PYTHONPATH": str(folder), "PATH": ""}, cwd=tmp_path)
        assert done.returncode == 2
        assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith(f"Error: the whoosh module in {folder / 'whoosh'} ") and message in done.stderr
        assert "pip install --force-reinstall --no-deps whoosh-reloaded==2.7.5" in done.stderr


def test_missing_whoosh_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(arsearch, "find_spec", lambda name: None)
    assert arsearch.whoosh_problem().startswith("the whoosh module is missing; install it with: ")


def test_the_real_whoosh_passes():
    assert arsearch.whoosh_problem() is None
