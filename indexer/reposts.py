"""Reposts: passages that are the same wire text with small edits, grouped into stories at index time.

Each passage is sketched (datasketch's MinHash over shingles of its folded exact forms, the same
analysis as the ``exact`` field, so diacritics, hamza seats, ta marbuta and punctuation never make two
copies differ); LSH banding (MinHashLSH's bands and rows, applied to the whole signature matrix at
once, see ``group_stories``) finds the candidate pairs among all passages of the generation, a pair
is kept when its estimated Jaccard similarity reaches ``THRESHOLD`` and its passages are in different
articles, and a story is a connected group of kept pairs.

A story is named by its smallest member key (``ARTICLE#N``, in string order): the name depends only
on who the members are, never on the order they were indexed in, so a one-process rebuild, a parallel
rebuild and any sequence of updates that ends with the same articles give the same stories. Whoosh
documents cannot be changed in place, so after each commit the documents whose story changed are
written again (``indexer.build``); the signatures and story names are kept in a side file of the
generation (``reposts.npz``) for the next update to start from.

Memory: ``NUM_PERM`` 32-bit values per passage (256 bytes at 64 permutations: 26 MB at 100k
passages), and while grouping one band's bucket numbers and the candidate pairs (at most bands ×
passages of them: within a bucket each member is paired with the next only).
"""

import io
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

#: The side file of a generation: every sketched passage's key, signature and story name.
SIDE_FILE = "reposts.npz"
#: Words per shingle, chosen on planted reposts (python -m benchmarks.reposts --sweep, README): at
#: 0.5, 2-word shingles found 97.8% of the copies against 95.0%, but grouped 184 passages of the
#: corpus alone against 117, among them passages that only share a formula (a chain of narrators);
#: 4 and 5 words lose recall (93.0%, 89.2%): one changed word breaks that many shingles.
SHINGLE_WORDS = 3
#: Passages with fewer shingles than this are never grouped: a short line ("قال المتحدث باسم
#: الوزارة") is shared by unrelated articles, and a few words give no reliable estimate.
MIN_SHINGLES = 8
#: Estimated Jaccard similarity of shingle sets from which two passages are copies of one story
#: (a changed word in a 40-word passage leaves about 0.86; an added dateline about 0.9). Measured
#: with 3-word shingles: 0.4 finds 97.3% of planted copies at 99.0% precision, 0.5 95.0% at 99.5%,
#: 0.6 91.0% at 99.7%; 0.5 because a wrong merge hides a passage, a missed one only shows twice.
THRESHOLD = 0.5
#: MinHash permutations: the estimate's standard error is about 0.06 at 64.
NUM_PERM = 64
#: The LSH bands are cut for this lower similarity, so that a pair at ``THRESHOLD`` or above is
#: almost never missed (MinHashLSH at 0.3 with 64 permutations: 21 bands of 3 rows; a pair
#: estimated at 0.69 is then missed with probability 2e-4, against 3% with bands cut for 0.5);
#: the candidates are then checked against ``THRESHOLD``.
CANDIDATE_THRESHOLD = 0.3
#: Fixed seed: the same passages always get the same signatures, in every process and run.
SEED = 20171101


#: Folded form -> its 32-bit hash (crc32: deterministic in every process, unlike the salted
#: ``hash()``); news text repeats its vocabulary, so each form is hashed once.
_WORD_HASH: dict[str, int] = {}
_WORD_HASH_MAX = 1_000_000
#: Odd multipliers combining a shingle's word hashes into one 32-bit value (positions differ, so
#: "أ ب ج" and "ج ب أ" hash apart).
_MIX = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1, 0x61C88647], dtype=np.uint64)

#: MinHashLSH's (bands, rows per band) at ``CANDIDATE_THRESHOLD`` and ``NUM_PERM``: the split that
#: minimises its weighted false positive and false negative probabilities. Written out, not asked of
#: datasketch at run time: choosing it integrates with scipy, whose import alone was a quarter of an
#: `arsearch index` run (``tests/test_reposts.py`` checks it is still MinHashLSH's choice).
BANDS = (21, 3)


def _affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutations ``a * h + b mod 2**32`` datasketch's ``MinHash(seed=seed, scheme="affine32")``
    draws (odd ``a``), drawn here as it draws them: importing datasketch pulls in scipy (its LSH),
    over a second of every index run. ``tests/test_reposts.py`` pins them to datasketch's."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


#: The permutations every signature is made with (drawn once from the fixed seed).
PERMUTATIONS = _affine32_permutations(NUM_PERM, SEED)


def _new_word_hash(form: str) -> int:
    h = zlib.crc32(form.encode("utf-8"))
    if len(_WORD_HASH) < _WORD_HASH_MAX:
        _WORD_HASH[form] = h
    return h


def _word_hashes(exact_forms: Iterable[str]) -> np.ndarray:
    known = _WORD_HASH.get
    return np.array([known(f) or _new_word_hash(f) for f in exact_forms], dtype=np.uint64)


def shingles(exact_forms: Iterable[str], size: int = SHINGLE_WORDS) -> np.ndarray:
    """The distinct hashes of the passage's overlapping ``size``-word runs of folded forms."""
    words = _word_hashes(exact_forms)
    n = len(words) - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    mixed = sum(words[i : i + n] * _MIX[i] for i in range(size)) & np.uint64(0xFFFFFFFF)
    return np.unique(mixed)


def sketch(exact_forms: Iterable[str], size: int = SHINGLE_WORDS) -> np.ndarray | None:
    """The MinHash signature of a passage (uint32), None when it is too short to group.
    (``size``, words per shingle, is only ever changed by the benchmark that chose it.)"""
    return sketch_passages([list(exact_forms)], size)[0]


#: Shingles whose permuted hashes are computed at once (each costs ``NUM_PERM`` × 4 bytes: 16 MB).
_SKETCH_BATCH = 65536
#: The 32-bit MurmurHash3 finalizer's constants: datasketch's affine32 scheme mixes each input hash
#: with it once before its permutations ``a * h + b mod 2**32``.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def sketch_passages(passages: Sequence[Sequence[str]], size: int = SHINGLE_WORDS) -> list[np.ndarray | None]:
    """``sketch`` of every passage of an article (each a sequence of folded forms), at once.

    The same signatures as datasketch's ``MinHash`` fed each passage's ``shingles`` (pinned by
    ``tests/test_reposts.py``), without a MinHash per passage: the article's shingles are made,
    deduplicated per passage, mixed and permuted as one array, and each passage's minima taken with
    one ``np.minimum.reduceat`` (a MinHash per passage cost more than analysing the passage).
    """
    out: list[np.ndarray | None] = [None] * len(passages)
    if not passages:
        return out
    lengths = np.fromiter((len(p) for p in passages), dtype=np.int64, count=len(passages))
    words = _word_hashes(f for p in passages for f in p)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    per = np.maximum(lengths - size + 1, 0)
    total = int(per.sum())
    if not total:
        return out
    owner = np.repeat(np.arange(len(passages), dtype=np.uint64), per)
    first = np.repeat(starts - (np.cumsum(per) - per), per) + np.arange(total, dtype=np.int64)
    mixed = sum(words[first + i] * _MIX[i] for i in range(size)) & np.uint64(0xFFFFFFFF)
    keys = np.unique((owner << np.uint64(32)) | mixed)  # by passage, then shingle: each set once
    owners = (keys >> np.uint64(32)).astype(np.int64)
    counts = np.bincount(owners, minlength=len(passages))
    keys = keys[counts[owners] >= MIN_SHINGLES]
    if not len(keys):
        return out
    a, b = PERMUTATIONS
    grouped = np.flatnonzero(counts >= MIN_SHINGLES)
    bounds = np.concatenate(([0], np.cumsum(counts[grouped])))
    lo = 0
    while lo < len(grouped):  # whole passages per batch, at least one
        hi = max(lo + 1, int(np.searchsorted(bounds, bounds[lo] + _SKETCH_BATCH, side="right")) - 1)
        values = (keys[bounds[lo] : bounds[hi]] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        permuted = _fmix32(values)[:, None] * a + b
        minima = np.minimum.reduceat(permuted, bounds[lo:hi] - bounds[lo], axis=0)
        for row, p in zip(minima, grouped[lo:hi].tolist(), strict=True):
            out[p] = row
        lo = hi
    return out


def article_of(key: str) -> str:
    return key.rpartition("#")[0]


@dataclass
class Sketches:
    """The signatures of a generation's passages and the story each belongs to ("" for none)."""

    signatures: dict[str, np.ndarray] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)  # key -> story name, grouped passages only

    def add(self, key: str, signature: np.ndarray | None) -> None:
        if signature is not None:
            self.signatures[key] = signature

    def drop_articles(self, article_ids: set[str]) -> None:
        """Forget the passages of articles deleted or about to be indexed again."""
        if not article_ids:
            return
        for key in [k for k in self.signatures if article_of(k) in article_ids]:
            del self.signatures[key]
        for key in [k for k in self.stories if article_of(k) in article_ids]:
            del self.stories[key]

    def keep_articles(self, article_ids) -> None:
        """Forget passages of articles no longer indexed (a side file older than a crashed commit)."""
        known = set(article_ids)
        self.drop_articles({article_of(k) for k in self.signatures if article_of(k) not in known})

    def to_bytes(self) -> bytes:
        """Keys as one NUL-separated UTF-8 text (a fixed-width numpy string takes 4 bytes a letter),
        each story as the number of its name's key."""
        keys = sorted(self.signatures)
        number = {k: i for i, k in enumerate(keys)}
        sigs = np.stack([self.signatures[k] for k in keys]) if keys else np.zeros((0, NUM_PERM), np.uint32)
        buf = io.BytesIO()
        np.savez(
            buf, keys=np.frombuffer("\0".join(keys).encode("utf-8"), dtype=np.uint8), signatures=sigs,
            stories=np.array([number.get(self.stories.get(k, ""), -1) for k in keys], dtype=np.int32),
            params=np.array([SHINGLE_WORDS, MIN_SHINGLES, NUM_PERM, SEED]),
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Sketches":
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            if list(z["params"]) != [SHINGLE_WORDS, MIN_SHINGLES, NUM_PERM, SEED]:
                raise ValueError("the reposts side file was written with other parameters")
            text = z["keys"].tobytes().decode("utf-8")
            keys, sigs, stories = text.split("\0") if text else [], z["signatures"], z["stories"].tolist()
        out = cls()
        for i, k in enumerate(keys):
            out.signatures[k] = sigs[i]
            if stories[i] >= 0:
                out.stories[k] = keys[stories[i]]
        return out


def _sort_keys(rows: np.ndarray) -> list[np.ndarray]:
    """A band's uint32 rows as few sort keys as possible, most significant first (pairs of rows as
    one uint64 each): fewer keys, fewer passes of the sort."""
    wide = rows.astype(np.uint64)
    keys = [(wide[:, c] << np.uint64(32)) | wide[:, c + 1] for c in range(0, rows.shape[1] - 1, 2)]
    return keys + ([wide[:, -1]] if rows.shape[1] % 2 else [])


def group_stories(signatures: dict[str, np.ndarray], threshold: float = THRESHOLD) -> dict[str, str]:
    """key -> story name for every passage that has a copy in another article (see the module doc).

    MinHashLSH's banding, run over the whole signature matrix at once: two passages are candidates
    when all the rows of one band agree. MinHashLSH's own per-key insert and query cost 0.5 ms a
    passage in Python (50 s at 100k passages, at every commit); here a band is one ``np.unique``.
    In a bucket, each member is checked against the next one in key order only, so a boilerplate
    line shared by thousands of passages costs linear time, not quadratic.
    """
    keys = sorted(signatures)
    if len(keys) < 2:
        return {}
    matrix = np.stack([signatures[k] for k in keys])
    articles = np.unique(np.array([article_of(k) for k in keys]), return_inverse=True)[1]
    if threshold < CANDIDATE_THRESHOLD:
        raise ValueError(f"the bands are cut for {CANDIDATE_THRESHOLD}: a threshold below it would miss pairs")
    b, r = BANDS
    left, right = [], []
    for band in range(b):
        rows = matrix[:, band * r : (band + 1) * r]
        # Members of a bucket (equal rows) together, in key order: a stable sort on the rows'
        # values, two 32-bit rows to a sort key (np.unique of the rows as bytes sorted them by
        # memcmp, several times slower).
        order = np.lexsort(_sort_keys(rows)[::-1])
        ordered = rows[order]
        same = (ordered[1:] == ordered[:-1]).all(axis=1)
        left.append(order[:-1][same])
        right.append(order[1:][same])
    i, j = np.concatenate(left), np.concatenate(right)
    pairs = np.unique(np.stack([i, j], axis=1), axis=0) if len(i) else np.zeros((0, 2), dtype=np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    keep = articles[i] != articles[j]
    i, j = i[keep], j[keep]
    similar = (matrix[i] == matrix[j]).mean(axis=1) >= threshold
    parent = list(range(len(keys)))  # a list: numpy's per-element access in this loop cost 10× more

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(i[similar].tolist(), j[similar].tolist(), strict=True):
        a, c = root(x), root(y)
        if a != c:
            parent[max(a, c)] = min(a, c)  # the root is the smallest index: the smallest key
    roots = [root(x) for x in range(len(keys))]
    sizes = np.bincount(roots, minlength=len(keys))
    return {k: keys[r] for k, r in zip(keys, roots, strict=True) if sizes[r] > 1}


#: The entry of an index document (``indexer.build``) carrying (key, signature) to whoever writes
#: the side file; Whoosh ignores fields whose name starts with "_", and the writers pop it anyway.
DOC_ENTRY = "_sketch"
