"""Text normalisation that keeps character offsets.

Every replacement here maps one character to one character, so an offset into the normalised
text is the same offset into the original: evidence spans point at the bytes a person reads.
Line endings are normalised the same way: a lone CR (old Mac files), U+2028/U+2029, NEL, VT and
FF each become one LF, so a page saved with any of them splits into the same lines (before, such
a page was one long line and failed with "no title line").
"""

from __future__ import annotations

import re

_ONE_FOR_ONE: dict[str, str] = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark / curly apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen ("ICD-10", "add-on")
    "\u2012": "-",
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u00a0": " ",  # no-break space
    "\u2007": " ",
    "\u202f": " ",
    "\t": " ",
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
    "\x85": "\n",  # next line (NEL)
    "\x0b": "\n",  # vertical tab
    "\x0c": "\n",  # form feed
}
# str.translate looks every character up in a dict (25 us per page here); one C-level replace per
# character that occurs takes under 1 us on these pages, which are mostly ASCII.
_ASCII_PAIRS = tuple((old, new) for old, new in _ONE_FOR_ONE.items() if old.isascii())
_ALL_PAIRS = tuple(_ONE_FOR_ONE.items())
_LONE_CR = re.compile(r"\r(?!\n)")



def normalize_text(text: str) -> str:
    """Straight quotes, ASCII hyphens, plain spaces and LF line ends; same length as ``text``.

    A CR before an LF is kept (the line splitter drops it); a lone CR becomes an LF.
    """
    for old, new in _ASCII_PAIRS if text.isascii() else _ALL_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return _LONE_CR.sub("\n", text) if "\r" in text else text


def clean_value(text: str) -> str:
    """A value as the contract stores it: whitespace folded, trimmed, no trailing period."""
    value = " ".join(text.split())
    if value.endswith(".") and not value.endswith(".."):
        value = value[:-1].rstrip()
    return value
