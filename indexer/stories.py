"""Writing the stories (``indexer.reposts``) into a generation after a commit.

Whoosh documents cannot be changed in place, so a passage whose story changed — it got a copy, lost
its last one, or its story's smallest member changed — is deleted and added again with the new
``story`` term, from its stored fields. Only grouped passages carry the term: most passages have no
copy, and an update that adds an article with none rewrites nothing.
"""

from collections.abc import Callable
from pathlib import Path

from arsearch.indexer.durable import write_atomically
from arsearch.indexer.errors import IndexCorruptError
from arsearch.indexer.reposts import SIDE_FILE, Sketches, group_stories
from arsearch.indexer.segments import open_writer


def load_sketches(gen: Path) -> Sketches:
    try:
        return Sketches.from_bytes((gen / SIDE_FILE).read_bytes())
    except (OSError, ValueError, KeyError) as e:
        raise IndexCorruptError(
            f"the index in {gen.parent} lacks its reposts file ({SIDE_FILE}: {e}); run `arsearch rebuild`"
        ) from e


def write_stories(ix, gen: Path, sketches: Sketches, document_again: Callable[[dict, str], dict], limitmb: int) -> int:
    """Group all sketched passages, rewrite those whose story changed, save the side file.

    ``document_again(stored_fields, story)`` gives the index document of a stored passage with
    its new story. Returns how many passages were rewritten.
    """
    old = sketches.stories
    new = group_stories(sketches.signatures)
    changed = sorted(k for k in old.keys() | new.keys() if old.get(k, "") != new.get(k, ""))
    rewritten = 0
    if changed:
        writer = open_writer(ix, limitmb)  # the writer every other commit uses (the bulk one by default)
        try:
            with ix.searcher() as searcher:
                for key in changed:
                    docnum = searcher.document_number(key=key)
                    if docnum is None:  # its article was removed in this commit
                        continue
                    fields = searcher.stored_fields(docnum)
                    writer.delete_by_term("key", key)
                    writer.add_document(**document_again(fields, new.get(key, "")))
                    rewritten += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=False)
    sketches.stories = new
    write_atomically(gen / SIDE_FILE, sketches.to_bytes())
    return rewritten
