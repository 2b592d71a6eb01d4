"""Bytes → text: UTF-8 as it is, other encodings detected and converted, or a command that converts.

Arabic news saved on Windows is often Windows-1256, older Unix and Mac files ISO-8859-6, and
"Unicode" text from Windows editors UTF-16 with a byte-order mark. UTF-8 (with or without a BOM)
and text with a BOM are decoded as they say (a UTF-16 one only when it reads as text); anything else is given to charset-normalizer, and its
answer is taken only when it ties the text to a language (``coherence`` above zero): a few bytes can
decode to plausible Japanese as well as to Arabic, and a wrong guess would index garbage. A file it
cannot decide is skipped with the iconv command that converts it from the legacy Arabic encoding.
"""

import shlex

import charset_normalizer

#: Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
#: Bytes charset-normalizer looks at: its answer on the first megabyte holds for the file.
_SAMPLE = 2**20
#: Python's names for the encodings a user would pass to iconv, as iconv spells them.
_ICONV_NAMES = {"cp1256": "WINDOWS-1256", "iso8859_6": "ISO-8859-6", "utf_16": "UTF-16", "utf_32": "UTF-32"}


def iconv_name(encoding: str) -> str:
    """The name iconv (and a reader of the summary) knows an encoding by."""
    return _ICONV_NAMES.get(encoding.lower().replace("-", "_"), encoding.upper().replace("_", "-"))


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a file and the encoding it was converted from ("" for UTF-8).

    Raises ValueError (a one-line message naming ``name``) for a binary file and for one whose
    encoding cannot be told.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            # Any even run of bytes decodes as UTF-16: the text must also read as text, without
            # the mess (stray symbols, mixed scripts) that bytes of another kind decode to.
            best = charset_normalizer.from_bytes(raw[:_SAMPLE]).best()
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                best = None
            if best is None or not (best.chaos == 0 or best.coherence > 0):
                raise ValueError(
                    f"{name}: starts with a {iconv_name(encoding)} byte-order mark but is not {iconv_name(encoding)} "
                    "text, skipped; check that the file was copied in full"
                )
            return text, iconv_name(encoding)
    if b"\x00" in raw[:8192]:
        raise ValueError(f"{name}: binary file, skipped")
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError as e:
        utf8_error = e.start
    best = charset_normalizer.from_bytes(raw[:_SAMPLE]).best()
    if best is not None and best.coherence > 0:
        try:
            return raw.decode(best.encoding), iconv_name(best.encoding)
        except UnicodeDecodeError:  # the sample decoded, the rest does not: undecided
            pass
    converted = shlex.quote(name.rsplit(".", 1)[0] + ".utf8." + name.rsplit(".", 1)[-1])
    raise ValueError(
        f"{name}: not UTF-8 (byte {utf8_error}) and its encoding cannot be told, skipped; if it is Arabic "
        f"from Windows, convert it with: iconv -f WINDOWS-1256 -t UTF-8 {shlex.quote(name)} > {converted} "
        "and move the original out of the corpus"
    )
