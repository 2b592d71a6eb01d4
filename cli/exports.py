"""`arsearch search`'s export options: --csv/--tsv (--bom), --count, --articles and --all.

The rows come from the library (``search.export``: the page's CSV is built there too); here the
options are declared once, checked against each other, and the result written out.
"""

import functools
import json
from dataclasses import dataclass

import click
from arsearch.search import export
from arsearch.search.results import SearchResult


@dataclass(frozen=True)
class ExportChoice:
    table: str | None = None  # "csv" or "tsv"
    bom: bool = False
    count: bool = False
    articles: bool = False
    all_hits: bool = False

    def check(self, as_json: bool, as_jsonl: bool, explain: bool) -> None:
        """Usage errors (exit 2) for options that cannot go together."""
        formats = [n for n, on in (("--json", as_json), ("--jsonl", as_jsonl), (f"--{self.table}", self.table)) if on]
        if self.count and (formats or self.articles or explain):
            raise click.UsageError("--count prints only the number: leave out the other output options")
        if len(formats) > 1:
            raise click.UsageError(f"{formats[0]} and {formats[1]} cannot be used together")
        if self.bom and not self.table:
            raise click.UsageError("--bom goes with --csv or --tsv")

    @property
    def reads_all(self) -> bool:
        """--articles counts every matching passage, so it reads them all, as --all does."""
        return self.all_hits or self.articles

    def write(self, result: SearchResult, as_json: bool, as_jsonl: bool) -> bool:
        """Print ``result`` if one of these options says how; False when the usual output applies."""
        if self.count:
            click.echo(result.total)
        elif self.articles:
            articles = export.matching_articles(result)
            if self.table:
                click.echo(export.table([a.row() for a in articles], export.ARTICLE_COLUMNS, self.table, self.bom), nl=False)
            elif as_json:
                click.echo(json.dumps(export.articles_json(result, articles), ensure_ascii=False, indent=2))
            elif as_jsonl:
                for a in articles:
                    click.echo(json.dumps(a.to_json(), ensure_ascii=False))
            else:
                click.echo(format_articles(result, articles))
        elif self.table:
            click.echo(export.table(export.hit_rows(result), export.HIT_COLUMNS, self.table, self.bom), nl=False)
        else:
            return False
        return True


def format_articles(result: SearchResult, articles) -> str:
    """One line per article: its best passage, how many of its passages match, its title."""
    lines = [f"{a.best.passage.key}\t{a.passages}\t{a.best.passage.title or a.best.passage.doc_id}" for a in articles]
    noun = "article" if len(articles) == 1 else "articles"
    lines.append(f"{len(articles)} {noun}, {result.total} matching passages")
    return "\n".join(lines)


_OPTIONS = [
    click.option("--csv", "as_csv", is_flag=True, help="Print the hits as CSV (UTF-8, a header row; see the README for the columns)."),
    click.option("--tsv", "as_tsv", is_flag=True, help="Print the hits as tab-separated values (cells with tabs or line breaks quoted)."),
    click.option("--bom", is_flag=True, help="With --csv/--tsv: start with a UTF-8 byte order mark, for spreadsheet programs that need it."),
    click.option("--count", is_flag=True, help="Print only the number of matching passages."),
    click.option("--articles", is_flag=True, help="One line per matching article: its best passage, its number of matching passages, its title (reads every hit)."),
    click.option("--all", "all_hits", is_flag=True, help="Every hit, not one page: read page after page, each under the query deadline (--limit is ignored)."),
]


def export_options(f):
    """The options above, handed to the command as one ``export: ExportChoice`` argument."""

    @functools.wraps(f)
    def command(*args, as_csv, as_tsv, bom, count, articles, all_hits, **kwargs):
        if as_csv and as_tsv:
            raise click.UsageError("--csv and --tsv cannot be used together")
        table = "csv" if as_csv else "tsv" if as_tsv else None
        return f(*args, export=ExportChoice(table, bom, count, articles, all_hits), **kwargs)

    for option in reversed(_OPTIONS):
        command = option(command)
    return command
