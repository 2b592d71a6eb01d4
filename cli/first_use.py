"""The first command run in a fresh clone builds the index from the corpus, and says so on stderr."""

from pathlib import Path

import click
from arsearch.cli import output
from arsearch.indexer.build import ensure_index, index_exists


def build_on_first_use(index_dir: Path, source: Path) -> None:
    """Build the index when there is none yet; library errors go up to the caller."""
    if index_exists(index_dir):
        return
    click.echo(f"arsearch: no index yet in {index_dir}/; building it from {source}/ (first use)…", err=True)
    with output.progress_bar("Building index") as progress:
        report = ensure_index(index_dir, source, progress=progress)
    if report is None:
        click.echo("arsearch: another process built it meanwhile", err=True)
    else:
        print_warnings(report)
        click.echo(output.format_build(report), err=True)


def print_warnings(report) -> None:
    for warning in report.read.warnings:
        click.echo(f"warning: {warning}", err=True)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if report.read.skipped:
        names = ", ".join(report.read.skipped[:5]) + (" …" if len(report.read.skipped) > 5 else "")
        click.echo(f"skipped {len(report.read.skipped)} files that are not .txt or .jsonl: {names}", err=True)
