"""The first command run in a fresh clone builds the default index from the corpus, and says so on
stderr. Only the default one: a folder the user named (--index or $ARSEARCH_INDEX) is most likely a
typo or an unmounted drive, and answering from a demo index built there would hide that. Such a
folder must already hold an index; otherwise the command stops and names the command that builds it,
having created nothing.
"""

from pathlib import Path

import click
from arsearch.cli import output
from arsearch.indexer.errors import IndexMissingError


def needs_first_build(index_dir: Path, source: Path, named: bool) -> bool:
    """True when ``index_dir`` is the default folder with no index yet. Raises, having written
    nothing, when it is a named folder without an index, or when an index lost its CURRENT pointer
    (a first-use build would replace it by the demo corpus; `arsearch index` points it again)."""
    from arsearch.indexer.store import index_exists, last_complete_generation, rebuild_command

    if index_exists(index_dir):
        return False
    if last_complete_generation(index_dir) is not None:
        raise IndexMissingError(
            f"the index in {index_dir} has lost its CURRENT pointer; run `arsearch index --index {index_dir}` "
            "to point it again at its newest complete generation"
        )
    if not named:
        return True
    what = f"index folder {index_dir} does not exist" if not index_dir.exists() else f"{index_dir} holds no arsearch index"
    raise IndexMissingError(f"{what}; to build one there, run: {rebuild_command(index_dir, source)}")


def build_first_index(index_dir: Path, source: Path) -> None:
    """Build the default index now; library errors go up to the caller."""
    from arsearch.indexer.build import ensure_index  # the writer: only when there is something to build

    click.echo(f"arsearch: no index yet in {index_dir}/; building it from {source}/ (first use)…", err=True)
    with output.progress_bar("Building index") as progress:
        report = ensure_index(index_dir, source, progress=progress)
    if report is None:
        click.echo("arsearch: another process built it meanwhile", err=True)
    else:
        print_warnings(report)
        click.echo(output.format_build(report), err=True)


def build_on_first_use(index_dir: Path, source: Path, named: bool) -> None:
    """Make sure a reader finds an index: build the default one if needed, refuse a named one that has none."""
    if needs_first_build(index_dir, source, named):
        build_first_index(index_dir, source)


def print_warnings(report) -> None:
    print_read(report.read)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)


def print_read(read) -> None:
    """The warnings and the per-format summary of reading the corpus (also after a failed run)."""
    for warning in read.warnings:
        click.echo(f"warning: {warning}", err=True)
    for line in output.format_read(read):
        click.echo(line, err=True)
