"""How common an Arabic word is, from wordfreq's Arabic list (web, news, subtitles, Wikipedia).

Discovery asks two questions of a word: is it an ordinary word that ends a name ("يوم", "خلال"), and
is it unknown to the language at large, as foreign and transliterated names are (زخاروفا)? A
frequency list answers both without a model or a hand-typed lexicon. wordfreq ships its data in the
package, so this works offline.
"""

from functools import lru_cache

from arsearch.indexer.folding import fold

#: Zipf frequency (log10 of uses per billion words, +9) at or above which a word is ordinary.
COMMON_ZIPF = 4.3


@lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Folded word → Zipf frequency (the highest of the spellings that fold to it)."""
    from wordfreq import get_frequency_list  # imported here: only index builds pay for it

    table: dict[str, float] = {}
    # Buckets are centibels below 0 = one use per word: bucket i holds words of Zipf 9 - i/100.
    # The "small" list (56k words down to Zipf 3) loads in a tenth of the time of the large one,
    # and a word below Zipf 3 is rare enough to count as unknown.
    for i, bucket in enumerate(get_frequency_list("ar", wordlist="small")):
        zipf = 9 - i / 100
        for word in bucket:
            table.setdefault(fold(word), zipf)
    return table


def zipf(word: str) -> float:
    """Zipf frequency of a folded word; 0 when the list does not know it."""
    return zipf_table().get(word, 0.0)
