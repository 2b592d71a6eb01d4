"""Does the generated OpenSearch analysis chain give arsearch's tokens? Checked with real Lucene classes.

The template's analyzers (``opensearch.analysis``) are built with Lucene's own ``CustomAnalyzer`` and
the factories OpenSearch wraps (Debian's ``liblucene8-java``, driven through JPype), and every token
they give — text, position, start and end offset — is compared with arsearch's analyzer on the same
text, for the ``exact`` and the ``text`` (stem) field.

    python -m benchmarks.opensearch_fidelity            # seed passages, word lists, corpus word forms
    python -m benchmarks.opensearch_fidelity --extract benchmarks/cache/corpus-10k-real   # the forms file

Lucene counts offsets in UTF-16 code units and Python in code points: they are converted before the
comparison (the same word has the same offsets in both). Prints every difference.
"""

import glob
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from arsearch.indexer.analysis import ArabicAnalyzer, WordAnalyzer, load_stopwords
from arsearch.indexer.gazetteer import Gazetteer
from arsearch.opensearch.analysis import Chain, exact_chain, stem_chain

#: Where Debian installs the Lucene jars (``apt-get install liblucene8-java``); overridable.
LUCENE_JARS = os.environ.get("ARSEARCH_LUCENE_JARS", "/usr/share/java")
_JARS = ("lucene-core-8*.jar", "lucene-analyzers-common-8*.jar")

ROOT = Path(__file__).resolve().parent.parent
WORD_FORMS = ROOT / "tests" / "data" / "corpus_word_forms.txt"
WORD_LISTS = (ROOT / "tests" / "data" / "conflation_families.tsv", ROOT / "tests" / "data" / "must_not_merge.tsv")


def lucene_classpath() -> list[str]:
    jars = []
    for pattern in _JARS:
        found = sorted(glob.glob(os.path.join(LUCENE_JARS, pattern)))
        if not found:
            raise FileNotFoundError(f"no {pattern} in {LUCENE_JARS}: install Debian's liblucene8-java")
        jars.append(found[-1])
    return jars


def start_jvm() -> None:
    import jpype
    import jpype.imports  # noqa: F401  (lets `from java.util import …` work)

    if not jpype.isJVMStarted():
        # The quick compiler only, one GC thread: a short run on a shared machine, not a long-lived server.
        jpype.startJVM("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", classpath=lucene_classpath(), convertStrings=True)


def _params(params: dict, workdir: Path, stem: str):
    """Factory parameters as a Java map; list parameters become files in ``workdir``."""
    from java.util import HashMap

    out = HashMap()
    for key, value in params.items():
        if isinstance(value, list):
            path = workdir / f"{stem}-{key}.txt"
            lines = ["\t".join(v) if isinstance(v, list) else v for v in value]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            value = path.name
        out.put(key, value)
    return out


def lucene_analyzer(chain: Chain, workdir: Path):
    """``chain`` built with Lucene's CustomAnalyzer and the factories the template's types map to."""
    start_jvm()
    from java.nio.file import Paths
    from org.apache.lucene.analysis.custom import CustomAnalyzer

    builder = CustomAnalyzer.builder(Paths.get(str(workdir)))
    for i, step in enumerate(chain.steps):
        name, params = step.lucene()
        args = _params(params, workdir, f"{chain.name}-{i}")
        if step.kind == "char_filter":
            builder.addCharFilter(name, args)
        elif step.kind == "tokenizer":
            builder.withTokenizer(name, args)
        else:
            builder.addTokenFilter(name, args)
    return builder.build()


def lucene_tokens(analyzer, text: str) -> list[tuple[str, int, int, int]]:
    """(text, position, start, end) per token, offsets in code points.

    Each token's attributes are read in one call (``reflectAsString``: "term=…,bytes=…,startOffset=…")
    rather than one per attribute: a JPype call costs more than Lucene's work on a token.
    """
    # UTF-16 unit → code point index.
    units = []
    for i, c in enumerate(text):
        units.extend([i] * (2 if ord(c) > 0xFFFF else 1))
    units.append(len(text))
    stream = analyzer.tokenStream("f", text)
    out, pos = [], -1
    try:
        stream.reset()
        while stream.incrementToken():
            attributes = dict(part.split("=", 1) for part in str(stream.reflectAsString(False)).split(","))
            pos += int(attributes["positionIncrement"])
            start, end = int(attributes["startOffset"]), int(attributes["endOffset"])
            out.append((attributes["term"], pos, units[start], units[end]))
        stream.end()
    finally:
        stream.close()
    return out


def python_tokens(words: WordAnalyzer, output: str, text: str) -> list[tuple[str, int, int, int]]:
    analyzer = ArabicAnalyzer(words, output)
    return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]


@dataclass
class FieldReport:
    field: str
    tokens: int = 0
    same: int = 0
    differences: list[tuple[str, list, list]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.same / self.tokens if self.tokens else 1.0


def compare(words: WordAnalyzer, texts, workdir: Path) -> dict[str, FieldReport]:
    """Token by token, per field: a token is identical when text, position and offsets all agree.

    Tokens are aligned by position in each text's list; when the counts differ the text's tokens
    beyond the shorter list all count as different."""
    reports = {}
    for output, chain in (("exact", exact_chain()), ("stem", stem_chain(words))):
        analyzer = lucene_analyzer(chain, workdir)
        report = FieldReport(output)
        for text in texts:
            ours = python_tokens(words, output, text)
            theirs = lucene_tokens(analyzer, text)
            same = sum(1 for a, b in zip(ours, theirs, strict=False) if a == b)
            report.tokens += max(len(ours), len(theirs))
            report.same += same
            if same != len(ours) or len(ours) != len(theirs):
                report.differences.append((text, ours, theirs))
        analyzer.close()
        reports[output] = report
    return reports


def describe(ours: list, theirs: list) -> str:
    """The first tokens where the two lists part: arsearch's, then Lucene's."""
    i = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    return f"arsearch {ours[i : i + 2]} / lucene {theirs[i : i + 2]}"


def stock_arabic_report(words: WordAnalyzer, texts) -> FieldReport:
    """The peer: OpenSearch's stock ``arabic`` analyzer (Lucene's ArabicAnalyzer) against arsearch's
    stems, by the same token-by-token rule."""
    start_jvm()
    from org.apache.lucene.analysis.ar import ArabicAnalyzer

    analyzer = ArabicAnalyzer()
    report = FieldReport("stock arabic")
    for text in texts:
        ours, theirs = python_tokens(words, "stem", text), lucene_tokens(analyzer, text)
        report.tokens += max(len(ours), len(theirs))
        report.same += sum(1 for a, b in zip(ours, theirs, strict=False) if a == b)
    analyzer.close()
    return report


def seed_passages() -> list[str]:
    from arsearch.indexer.corpus import read_articles

    return [p.text for a in read_articles(ROOT / "seeds") for p in a.passages] + [
        a.title for a in read_articles(ROOT / "seeds")
    ]


def word_list_forms() -> list[str]:
    """The forms of the shared word lists (conflation families, pairs that must not merge) and of the
    shipped stop list."""
    forms = []
    for path, columns in zip(WORD_LISTS, (slice(3, 4), slice(0, 2)), strict=True):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                forms.extend(w for cell in line.split("\t")[columns] for w in cell.split())
    forms.extend(sorted(load_stopwords()))
    return list(dict.fromkeys(forms))


#: Forms analyzed per call: one text of many forms (apart by a full stop, so no و joins the next)
#: makes the comparison a few hundred JVM calls instead of thousands.
CHUNK = 200


def chunks(forms: list[str], size: int = CHUNK) -> list[str]:
    return [" . ".join(forms[i : i + size]) for i in range(0, len(forms), size)]


def corpus_forms() -> list[str]:
    return [w for w in WORD_FORMS.read_text(encoding="utf-8").split("\n") if w]


def default_words() -> WordAnalyzer:
    return WordAnalyzer(load_stopwords(), Gazetteer.load().protected_names())


def run(words: WordAnalyzer | None = None) -> dict[str, dict[str, FieldReport]]:
    words = words or default_words()
    sets = {
        "seed passages": seed_passages(),
        "shared word lists": chunks(word_list_forms()),
        "corpus word forms": chunks(corpus_forms()),
    }
    with tempfile.TemporaryDirectory() as tmp:
        return {name: compare(words, texts, Path(tmp)) for name, texts in sets.items()}


def extract_forms(corpus: Path, frequent: int = 5000, rare: int = 5000) -> list[str]:
    """The word forms committed in ``WORD_FORMS``: the most frequent of a corpus, and rarer ones picked
    evenly along the rest of its frequency list (the rare ones are where rules misfire)."""
    from collections import Counter

    from arsearch.indexer.corpus import read_articles
    from arsearch.indexer.folding import WORD_RE

    counts = Counter(m.group(0) for a in read_articles(corpus) for p in a.passages for m in WORD_RE.finditer(p.text))
    ranked = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    head, tail = ranked[:frequent], ranked[frequent:]
    step = max(1, len(tail) // rare)
    return head + tail[::step][:rare]


def main() -> int:
    if sys.argv[1:2] == ["--extract"]:
        WORD_FORMS.write_text("\n".join(extract_forms(Path(sys.argv[2]))) + "\n", encoding="utf-8")
        return 0
    results = run()
    words = default_words()
    failed = False
    peer = stock_arabic_report(words, corpus_forms())  # one form per text: a token-level figure
    print(f"peer: stock arabic analyzer on the corpus word forms, stem field: {peer.same}/{peer.tokens} "
          f"({peer.ratio:.2%}) identical")
    for name, reports in results.items():
        for report in reports.values():
            print(f"{name:18} {report.field:5} {report.same}/{report.tokens} tokens identical ({report.ratio:.4%})")
            failed |= report.ratio < 0.999
            for text, ours, theirs in report.differences:
                print(f"  differs in {text[:60]!r}: {describe(ours, theirs)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
