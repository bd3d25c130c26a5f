"""Text normalisation that keeps character offsets.

Every replacement here maps one character to one character, so an offset into the normalised
text is the same offset into the original: evidence spans point at the bytes a person reads.
"""

from __future__ import annotations

import re

_ONE_FOR_ONE = str.maketrans(
    {
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
    }
)

_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Straight quotes, ASCII hyphens and plain spaces; same length as ``text``."""
    return text.translate(_ONE_FOR_ONE)


def clean_value(text: str) -> str:
    """A value as the contract stores it: whitespace folded, trimmed, no trailing period."""
    value = _SPACES.sub(" ", text).strip()
    if value.endswith(".") and not value.endswith(".."):
        value = value[:-1].rstrip()
    return value
