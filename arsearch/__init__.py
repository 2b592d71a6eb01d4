"""arsearch: Arabic-aware full-text search over news passages.

The top-level folders of the repository (``indexer/``, ``search/``, ``cli/``, ``web/``) install as
``arsearch.indexer``, ``arsearch.search``, ``arsearch.cli`` and ``arsearch.web`` (pyproject.toml maps
them), so nothing with a generic name lands at the top of site-packages.

``main`` is the ``arsearch`` command. Before anything imports Whoosh it checks that the ``whoosh`` module
is the one arsearch is written for: whoosh-reloaded and plain ``whoosh`` install the same module name, so
installing plain ``whoosh`` later silently overwrites the fork, and another ``whoosh`` earlier on
``sys.path`` shadows it; either would fail later with a traceback or, worse, search differently.
"""

import re
import sys
from importlib.util import find_spec
from pathlib import Path

#: The distribution and version that provide the ``whoosh`` module arsearch is tested against.
WHOOSH_DISTRIBUTION = "whoosh_reloaded"
WHOOSH_VERSION = "2.7.5"
#: The CLI's "error" exit code (cli/main.py), spelt here because the CLI cannot be imported before the check.
EXIT_ERROR = 2

_VERSION_RE = re.compile(r"^__version__\s*=\s*\(([\d,\s]+)\)", re.M)


def whoosh_problem() -> str | None:
    """What is wrong with the importable ``whoosh`` module, with the command that fixes it; None if nothing.

    Read from the files, without importing Whoosh or ``importlib.metadata`` (tens of milliseconds on every
    command): the module's folder must sit beside whoosh-reloaded's ``.dist-info`` of the pinned version,
    and its ``__version__`` must say so too (plain whoosh installed later rewrites ``__init__.py``).
    """
    reinstall = f"{sys.executable} -m pip install --force-reinstall --no-deps whoosh-reloaded=={WHOOSH_VERSION}"
    spec = find_spec("whoosh")
    if spec is None or not spec.origin:
        return f"the whoosh module is missing; install it with: {reinstall}"
    package = Path(spec.origin).parent
    dist_info = [
        entry.name for entry in package.parent.iterdir()
        if entry.name.endswith(".dist-info") and entry.name.split("-")[0].lower().replace(".", "_") == WHOOSH_DISTRIBUTION
    ]
    if not dist_info:
        return (f"the whoosh module in {package} is not whoosh-reloaded's (another package named whoosh comes "
                f"first); remove it, or run arsearch from an environment with: {reinstall}")
    installed = dist_info[0].removesuffix(".dist-info").split("-")[1]
    match = _VERSION_RE.search(Path(spec.origin).read_text(encoding="utf-8", errors="replace"))
    found = ".".join(p.strip() for p in match.group(1).split(",") if p.strip()) if match else "unknown"
    if installed != WHOOSH_VERSION or found != WHOOSH_VERSION:
        return (f"the whoosh module in {package} is version {found}, from whoosh-reloaded {installed}, not "
                f"whoosh-reloaded {WHOOSH_VERSION} (plain whoosh installs the same module); fix it with: "
                f"pip uninstall -y whoosh && {reinstall}")
    return None


def main() -> None:
    """The ``arsearch`` command: the Whoosh check (one line and exit 2 when it fails), then the CLI."""
    problem = whoosh_problem()
    if problem:
        print(f"Error: {problem}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)
    from arsearch.cli.main import cli

    cli(prog_name="arsearch")
