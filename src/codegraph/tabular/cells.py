"""What a cell may carry to a terminal or a spreadsheet.

``printable``: control characters (C0 but newline and tab, DEL, C1) and the invisible
direction overrides behind "Trojan Source" tricks become visible escapes (``\\u001b``), so a page
title holding ``ESC ] ... BEL`` shows as text instead of retitling or recolouring the terminal.
The escapes are those of JSON and Turtle strings, so a value copied back reads the same.

``neutralise_formula``: OWASP's advice for CSV injection: a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return gets a leading single quote, so a spreadsheet shows it as
text rather than running it (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Plain numbers
(``-1``, ``+2.5``) are not formulas and are left alone.
"""

from __future__ import annotations

import re

# C0 controls other than tab and newline, DEL, C1 controls, line/paragraph separators,
# bidirectional embeddings, overrides and isolates, zero-width marks.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_CELL_CONTROL = re.compile("[\t\n]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return _NAMED.get(char) or f"\\u{ord(char):04x}"


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as an escape; ``one_line`` escapes newlines
    and tabs too (a table cell), else they are kept (a report's lines)."""
    text = _CONTROL.sub(_escape, text)
    return _CELL_CONTROL.sub(_escape, text) if one_line else text


def neutralise_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
