"""arsearch commands. Each body: parse options → one library call → format.

Exit codes follow grep and ripgrep: 0 something matched, 1 nothing matched, 2 an error (a message
that says what to do), 3 an internal error (a bug: one line, and the full report in a file), 130 /
143 interrupted by SIGINT / SIGTERM.
"""

import errno
import json
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from arsearch.cli import output, timeline_output
from arsearch.cli.exports import export_options
from arsearch.cli.first_use import build_on_first_use, print_read, print_warnings
from arsearch.cli.opensearch import backend_options, export_group, open_backend
from arsearch.cli.serve import serve_command
from arsearch.indexer import settings
from arsearch.indexer.errors import ArsearchError
from arsearch.indexer.formats.columns import parse_columns
from arsearch.search.export import search_all
from arsearch.search.filters import SORTS
from arsearch.search.timeline import DEFAULT_PERIOD, PERIODS, SPLITS, search_timeline

# The searcher, the index writer and what they pull in (Whoosh's query and writing machinery, numpy,
# portalocker) are imported inside the commands that use them: `arsearch --help` and a one-shot search
# pay only for their own path (tests/test_startup.py guards it).

EXIT_NO_MATCH = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
#: Exit codes of an interrupted command, as a shell reports a process ended by that signal.
EXIT_SIGINT, EXIT_SIGTERM = 130, 143
#: ctx.meta key under which commands record the index folder they use, for the error boundary.
INDEX_META = "arsearch.index"
#: Hints for operating-system errors, by errno: what the user can do about it.
OS_HINTS = {
    errno.EACCES: "check its permissions, or pass --index DIR",
    errno.EPERM: "check its permissions, or pass --index DIR",
    errno.EROFS: "the file system is read-only; pass --index DIR on a writable one",
    errno.ENOTDIR: "a part of that path is a file, not a folder",
    errno.EISDIR: "that path is a folder, not a file",
    errno.ENOSPC: "the device is full; free some space and run it again",
    errno.EDQUOT: "the disk quota is used up; free some space and run it again",
}


class ArsearchClickError(click.ClickException):
    """A library error shown as one line on stderr, exit code 2 (1 means "no match")."""

    exit_code = EXIT_ERROR


class InternalError(click.ClickException):
    """A bug: one line naming where the full report went, exit code 3."""

    exit_code = EXIT_INTERNAL


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that it cleans up exactly as after Ctrl-C."""


def _terminate(signum, frame):
    raise Terminated


def os_error_message(e: OSError) -> str:
    """One line: the path, the cause and what to do."""
    hint = OS_HINTS.get(e.errno)
    if not e.filename:  # writing the output (a full device, a closed pipe) or a file Python did not name
        return f"operating-system error: {e.strerror or e}" + (f"; {hint}" if hint else "")
    where = f"{e.filename}" + (f" → {e.filename2}" if e.filename2 else "")
    return f"cannot use {where}: {e.strerror or e}" + (f"; {hint}" if hint else "")


def write_crash_report(e: BaseException) -> Path | None:
    """The traceback and what was run, in a file the user can attach to a bug report."""
    import tempfile
    import traceback

    path = Path(tempfile.gettempdir()) / f"arsearch-crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    try:
        version = _version()
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"arsearch {version}, Python {sys.version.split()[0]}, {sys.platform}\n")
            f.write(f"command: {' '.join(sys.argv)}\n\n")
            f.write("".join(traceback.format_exception(e)))
    except OSError:
        return None
    return path


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("arsearch")
    except PackageNotFoundError:
        return "(not installed)"


class ArsearchGroup(click.Group):
    """The one boundary where library errors become messages and exit codes."""

    def invoke(self, ctx):
        previous = None
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread (an embedding program's): leave its handlers alone
            pass
        try:
            return super().invoke(ctx)
        except ArsearchError as e:
            raise ArsearchClickError(str(e)) from e
        except KeyboardInterrupt as e:
            click.echo("Interrupted; the index is unchanged unless a commit had finished.", err=True)
            ctx.exit(EXIT_SIGTERM if isinstance(e, Terminated) else EXIT_SIGINT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as e:
            from arsearch.indexer.store import damage_error

            damage = damage_error(e, ctx.meta.get(INDEX_META, "the index folder"))
            if damage is not None:
                raise ArsearchClickError(str(damage)) from e
            if isinstance(e, OSError):
                raise ArsearchClickError(os_error_message(e)) from e
            if ctx.params.get("debug"):
                import traceback

                traceback.print_exception(e)
                ctx.exit(EXIT_INTERNAL)
            report = write_crash_report(e)
            where = f"the full report is in {report}" if report else "run it again with --debug to see where"
            raise InternalError(
                f"internal error ({type(e).__name__}: {e}); {where}. Please report it: it is a bug in arsearch"
            ) from e
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


PATH_DIR = click.Path(file_okay=False, path_type=Path)
INDEX_OPTION = click.option(
    "--index", "index_dir", type=PATH_DIR, default=None, envvar=settings.INDEX_DIR.env,
    help=f"Index folder [default: {settings.INDEX_DIR.default}, or ${settings.INDEX_DIR.env}].",
)
SOURCE_OPTION = click.option(
    "--source", "source_dir", type=PATH_DIR, default=None, envvar=settings.SOURCE_DIR.env,
    help=f"Corpus folder (.txt .html .xml/.rss/.atom .json .jsonl .csv .tsv, any of them .gz) [default: {settings.SOURCE_DIR.default}, or ${settings.SOURCE_DIR.env}].",
)
#: Read-only commands build the default index on first use from this folder; ``--source`` there is
#: the publisher filter (``search``, ``timeline``), so the corpus folder is ``--corpus``.
CORPUS_OPTION = click.option(
    "--corpus", "source_dir", type=PATH_DIR, default=None, envvar=settings.SOURCE_DIR.env,
    help=f"Corpus folder the default index is built from on first use [default: {settings.SOURCE_DIR.default}, "
    f"or ${settings.SOURCE_DIR.env}].",
)
GAZETTEER_OPTION = click.option(
    "--gazetteer", "gazetteer_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None, envvar="ARSEARCH_GAZETTEER",
    help="Your own gazetteer TOML, merged over the shipped one (same format).",
)
def _parse_columns(ctx, param, value):
    try:
        return parse_columns(value) if value is not None else None
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


COLUMNS_OPTION = click.option(
    "--columns", callback=_parse_columns, metavar="PART=COLUMN,…",
    help="Columns of CSV/TSV files (and fields of JSON files) that hold each part: text, title, date, "
    "source, url, author, id; e.g. text=body,date=published [default: the usual names; an update keeps "
    "the mapping of the last rebuild].",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON (Arabic unescaped).")


def filter_options(command):
    """The filters ``search`` and ``timeline`` share: the same passages are found by both."""
    options = [
        click.option("--actor", "actors", multiple=True, help="Only passages naming this actor (id, English or Arabic name); repeat for any of several."),
        click.option("--topic", "topics", multiple=True, help="Only passages about this topic; repeat for any of several."),
        click.option("--inferred", "include_inferred", is_flag=True, help="--actor also matches role references (الرئيس الروسي, نظيره الفرنسي)."),
        click.option("--since", metavar="DATE", default=None, help="Only articles dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--until", metavar="DATE", default=None, help="Only articles dated on or before DATE (inclusive: --until 2017-11 is up to 30 November)."),
        click.option("--source", "sources", metavar="NAME", multiple=True, help="Only articles from this publisher (case and spacing ignored); repeat for any of several."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


COLOR_OPTION = click.option(
    "--color/--no-color", "color", default=None,
    help="Colour the marks [default: on a terminal, unless NO_COLOR is set].",
)


@click.group(cls=ArsearchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arsearch")
@click.option("--debug", is_flag=True, envvar="ARSEARCH_DEBUG", help="On an internal error, print the traceback.")
def cli(debug):
    """Arabic-aware full-text search over news passages.

    \b
    Example:
      arsearch search سوريا
      arsearch search --actor putin --topic korea
    """


def _index_path(index_dir) -> Path:
    """The index folder a command uses, recorded for the error boundary's messages."""
    path = settings.INDEX_DIR.value(index_dir)
    click.get_current_context().meta[INDEX_META] = path
    return path


def _searcher(index_dir, source_dir=None):
    """Open the index, building the default one from the corpus on first use (and saying so on
    stderr); a named one (``index_dir`` given, by --index or $ARSEARCH_INDEX) must exist."""
    named = index_dir is not None
    index_dir = _index_path(index_dir)
    build_on_first_use(index_dir, settings.SOURCE_DIR.value(source_dir), named)
    from arsearch.search.searcher import PassageSearcher

    return PassageSearcher(index_dir, preload=False)  # one command, one query: open lazily


@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@filter_options
@click.option("--sort", type=click.Choice(SORTS), default=SORTS[0], show_default=True, help="Order: by relevance, oldest first (date) or newest first (-date); undated last.")
@click.option("--limit", type=click.IntRange(0), default=settings.DEFAULT_LIMIT, show_default=True, help="Hits to show.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Hits to skip (paging).")
@JSON_OPTION
@click.option("--jsonl", "as_jsonl", is_flag=True, help="Print one JSON hit per line.")
@click.option("--explain", is_flag=True, help="Show which passage words each query word matched, and why.")
@export_options
@click.option("--dedupe/--no-dedupe", default=True, show_default=True, help="One hit per story of reposts (the same text in several articles), with where else it appeared; --no-dedupe shows every copy.")
@click.option("--bidi", is_flag=True, help="Reorder right-to-left text for terminals that do not (kitty, WezTerm, tmux, xterm); implies --no-color.")
@COLOR_OPTION
@INDEX_OPTION
@CORPUS_OPTION
@backend_options
def search_command(query, actors, topics, include_inferred, since, until, sources, sort, limit, offset, as_json, as_jsonl, explain, export, dedupe, bidi, color, index_dir, source_dir, backend, url, dfs):
    """Search passages. All words are required; see the README for the query syntax.

    \b
    Examples:
      arsearch search سوريا
      arsearch search '"وزارة الخارجية الروسية"' --json
      arsearch search بوتين --topic korea
      arsearch search --actor putin
      arsearch search -- سورية -أوكرانيا
      arsearch search سوريا --explain
      arsearch search سوريا --all --csv --bom > syria.csv
      arsearch search بوتين --count
      arsearch search بوتين --articles
      arsearch search سوريا --since 2017-11 --until 2017-12 --sort date
      arsearch search 'بوتين source:"RT Arabic" date:2017-11..'
      arsearch search سوريا --backend opensearch --url https://localhost:9200
    """
    unknown = [q for q in query if q.startswith("--")]
    if unknown:
        raise click.UsageError(f"no such option: {unknown[0]}")
    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl cannot be used together")
    from arsearch.search.suggest import with_suggestions

    export.check(as_json, as_jsonl, explain)
    with open_backend(backend, url, dfs, lambda: _searcher(index_dir, source_dir)) as searcher:
        options = dict(
            actors=actors, topics=topics, include_inferred=include_inferred,
            since=since, until=until, sources=sources, sort=sort, dedupe=dedupe,
        )
        if export.count:
            result = searcher.search(" ".join(query), limit=0, **options)
        elif export.reads_all:
            result = search_all(searcher, " ".join(query), offset=offset, **options)
        else:
            result = searcher.search(" ".join(query), limit=limit, offset=offset, **options)
        if not export.count and backend == "whoosh":  # did-you-mean reads the local index's vocabulary
            result = with_suggestions(searcher, result, include_inferred)
    if export.write(result, as_json, as_jsonl):
        pass  # --csv, --tsv, --count or --articles printed it
    elif as_json:
        click.echo(output.format_json(result, explain))
    elif as_jsonl:
        if result.hits:
            click.echo(output.format_jsonl(result, explain))
    elif bidi:
        click.echo(output.bidi_lines(output.format_hits(result, False, explain)), color=False)
    else:
        click.echo(output.format_hits(result, output.use_color(color), explain), color=output.use_color(color))
    if result.suggestions:
        click.echo(output.format_suggestions(result), err=True)
    sys.exit(0 if result.total else EXIT_NO_MATCH)


@contextmanager
def _summary_on_failure():
    """A failed build still prints what reading met (why nothing could be indexed, often)."""
    try:
        yield
    except ArsearchError as e:
        if getattr(e, "read", None) is not None:
            print_read(e.read)
        raise


@cli.command("index")
@SOURCE_OPTION
@INDEX_OPTION
@GAZETTEER_OPTION
@COLUMNS_OPTION
def index_command(source_dir, index_dir, gazetteer_file, columns):
    """Update the index: add new articles, re-index changed ones, delete removed ones.

    \b
    Example:
      arsearch index --source seeds
    """
    from arsearch.indexer.build import update_index

    index_dir = _index_path(index_dir)
    with _summary_on_failure(), output.progress_bar("Indexing") as progress:
        report = update_index(index_dir, source_dir, gazetteer_file, progress=progress, columns=columns)
    print_warnings(report)
    click.echo(output.format_build(report))


@cli.command("rebuild")
@SOURCE_OPTION
@INDEX_OPTION
@GAZETTEER_OPTION
@COLUMNS_OPTION
def rebuild_command(source_dir, index_dir, gazetteer_file, columns):
    """Build the index from scratch, aside, then swap it in (the old one answers until then).

    \b
    Example:
      arsearch rebuild --source seeds --index index
    """
    from arsearch.indexer.build import rebuild_index

    index_dir = _index_path(index_dir)
    source = settings.SOURCE_DIR.value(source_dir)
    with _summary_on_failure(), output.progress_bar("Rebuilding") as progress:
        report = rebuild_index(source, index_dir, gazetteer_file, progress=progress, columns=columns)
    print_warnings(report)
    click.echo(output.format_build(report))


def _entities_command(fieldname: str, used_only: bool, as_json: bool, index_dir, source_dir) -> None:
    with _searcher(index_dir, source_dir) as searcher:
        counts = searcher.entity_counts(fieldname)
        entries = searcher.gazetteer.actors if fieldname == "actors" else searcher.gazetteer.topics
    rows = [c for c in counts if c.explicit or c.inferred or not used_only]
    if as_json:
        data = []
        for c in rows:
            e = entries[c.ident]
            item = {"id": c.ident, "ar": list(e.ar), "en": list(e.en), "passages": c.explicit}
            if fieldname == "actors":
                item.update(kind=e.kind, inferred=c.inferred)
            data.append(item)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for c in rows:
        e = entries[c.ident]
        kind = f"{e.kind:<13}" if fieldname == "actors" else ""
        inferred = f" (+{c.inferred} inferred)" if c.inferred else ""
        click.echo(f"{c.explicit:>6}{inferred:<15} {c.ident:<22} {kind}{e.label}  {e.label_ar}")


@cli.command("actors")
@click.option("--used", "used_only", is_flag=True, help="Only actors mentioned in the index.")
@click.option("--discovered", is_flag=True, help="List the entities the corpus names that the gazetteer lacks.")
@click.option(
    "--write", "write_file", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    help="With --discovered: write them to FILE.toml in the gazetteer format (for --gazetteer).",
)
@JSON_OPTION
@INDEX_OPTION
@CORPUS_OPTION
def actors_command(used_only, discovered, write_file, as_json, index_dir, source_dir):
    """List the gazetteer's actors with the number of passages that name each.

    \b
    Examples:
      arsearch actors --used
      arsearch actors --discovered
      arsearch actors --discovered --write mine.toml && arsearch rebuild --gazetteer mine.toml
    """
    if write_file and not discovered:
        raise click.UsageError("--write goes with --discovered")
    if not discovered:
        _entities_command("actors", used_only, as_json, index_dir, source_dir)
        return
    from arsearch.search.entities import discovered_entities, gazetteer_toml  # only this listing needs it

    with _searcher(index_dir, source_dir) as searcher:
        entities = discovered_entities(searcher)
    if write_file:
        try:
            write_file.write_text(gazetteer_toml(entities), "utf-8")
        except OSError as e:
            raise ArsearchClickError(f"cannot write {write_file}: {e.strerror}; choose another file") from e
        click.echo(f"wrote {len(entities)} discovered entities to {write_file}", err=True)
        return
    if as_json:
        click.echo(json.dumps([output.discovered_json(e) for e in entities], ensure_ascii=False, indent=2))
    else:
        click.echo(output.format_discovered(entities))


@cli.command("topics")
@click.option("--used", "used_only", is_flag=True, help="Only topics found in the index.")
@JSON_OPTION
@INDEX_OPTION
@CORPUS_OPTION
def topics_command(used_only, as_json, index_dir, source_dir):
    """List the gazetteer's topics with the number of passages about each.

    \b
    Example:
      arsearch topics --used
    """
    _entities_command("topics", used_only, as_json, index_dir, source_dir)


@cli.command("show")
@click.argument("key")
@click.option("--context", type=click.IntRange(0), default=1, show_default=True, help="Neighbouring passages on each side.")
@JSON_OPTION
@COLOR_OPTION
@INDEX_OPTION
@CORPUS_OPTION
def show_command(key, context, as_json, color, index_dir, source_dir):
    """Show a passage (ARTICLE#N) with its neighbours.

    \b
    Example:
      arsearch show 000_b8da21838642536f#6
    """
    with _searcher(index_dir, source_dir) as searcher:
        passages = searcher.passage(key, context)
    if as_json:
        click.echo(json.dumps([output.passage_json(p) for p in passages], ensure_ascii=False, indent=2))
    else:
        click.echo(output.format_passages(passages, key, output.use_color(color)), color=output.use_color(color))


@cli.command("stats")
@JSON_OPTION
@INDEX_OPTION
@CORPUS_OPTION
def stats_command(as_json, index_dir, source_dir):
    """Show what the index holds: articles, passages, size, versions.

    \b
    Example:
      arsearch stats
    """
    with _searcher(index_dir, source_dir) as searcher:
        stats = searcher.stats()
    if as_json:
        click.echo(json.dumps(stats.__dict__, ensure_ascii=False, indent=2))
        return
    for name, value in stats.__dict__.items():
        click.echo(f"{name.replace('_', ' '):<17} {value}")


@cli.command("timeline", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1)
@filter_options
@click.option("--by", type=click.Choice(PERIODS), default=DEFAULT_PERIOD, show_default=True, help="Period to count by (weeks are ISO weeks, Monday first).")
@click.option("--split", type=click.Choice(SPLITS), default=None, help="One series per most frequent actor among the matches.")
@JSON_OPTION
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV: one row per period.")
@INDEX_OPTION
@CORPUS_OPTION
def timeline_command(query, actors, topics, include_inferred, since, until, sources, by, split, as_json, as_csv, index_dir, source_dir):
    """Count matching passages and articles per period, zero periods included.

    \b
    Examples:
      arsearch timeline بوتين --by month
      arsearch timeline سوريا --since 2017 --by week --csv
      arsearch timeline --topic syria --split actor --json
    """
    unknown = [q for q in query if q.startswith("--")]
    if unknown:
        raise click.UsageError(f"no such option: {unknown[0]}")
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be used together")
    with _searcher(index_dir, source_dir) as searcher:
        timeline = search_timeline(
            searcher, " ".join(query), by, split, actors=actors, topics=topics,
            include_inferred=include_inferred, since=since, until=until, sources=sources,
        )
    if as_json:
        click.echo(json.dumps(timeline.to_json(), ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(timeline_output.format_csv(timeline), nl=False)
    else:
        click.echo(timeline_output.format_table(timeline))
    sys.exit(0 if timeline.total else EXIT_NO_MATCH)


cli.add_command(serve_command)
cli.add_command(export_group)
