"""Write N synthetic overview documents, seeded, for benchmarks.

Each document is one of the hand-written test corpus pages (tests/corpus/documents: every layout,
missing-data phrasing and format the reader handles) with its code replaced by another code of
the same kind, drawn from the real code ranges (CPT Category I 10004-99499, Category III
0001T-1050T, Category II 0001F-9007F, PLA 0001U-0500U, HCPCS Level II J0120-J9999). The same N
and seed always give the same files.

The pages are drawn so that their mix matches the family (``FAMILY``): a page's *cell* is its
code's kind and the layout of its service type and site of service (``layout``), and 95 % of the
pages are drawn from the cells in the shares the family's own pages have, from the templates of
that cell that name the five payers the family names; the other 5 % are spread over every
template, so each layout, format and missing-data phrasing the reader handles stays in the mix.

    python -m benchmarks.generate_corpus 1000 /tmp/corpus-1k [--seed 7]
    python -m benchmarks.generate_corpus --family ../shared/corpus/real   # count the cells of real pages
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "documents"
_TITLE = re.compile(r"(?:CPT|HCPCS(?: Level II)?)\s+(?:code\s+)?([0-9A-Z]{5})\s*:")

FAMILY = {
    ("I", "dash"): 5, ("I", "labels"): 5, ("I", "folded"): 3,
    ("III", "dash"): 8, ("III", "labels"): 1, ("III", "prose"): 1,
    ("HCPCS", "title-case"): 1,
}
"""Pages of the family per cell: the 24 real pages in ../shared/corpus/real (counted by
``--family``; the pages themselves stay out of this repository). Every one names Aetna, Blue
Cross Blue Shield, Cigna, UnitedHealthcare and Medicare."""
SPREAD = 0.05
"""Share of the pages drawn evenly from every template."""
_FIVE_PAYERS = (r"Aetna", r"Blue Cross", r"Cigna", r"United\s*Health\s*care|UHC", r"Medicare")


def _code_pools() -> dict[str, list[str]]:
    return {
        "I": [f"{n:05d}" for n in range(10004, 99500)],
        "III": [f"{n:04d}T" for n in range(1, 1051)],
        "II": [f"{n:04d}F" for n in range(1, 9008)],
        "PLA": [f"{n:04d}U" for n in range(1, 501)],
        "HCPCS": [f"J{n:04d}" for n in range(120, 10000)],
    }


def _kind(code: str) -> str:
    if code[0].isalpha():
        return "HCPCS"
    return {"T": "III", "F": "II", "U": "PLA"}.get(code[-1], "I")


def layout(text: str) -> str:
    """How a page gives its service type and site of service: ``dash`` (``-`` lines around
    labelled lines), ``labels``, ``title-case`` labels, ``prose`` ("the service type is"),
    ``one-sentence`` (both named in one sentence) or ``folded`` (a place of service in the overview)."""
    if re.search(r"(?m)^\s*-\s*$", text) and re.search(r"(?mi)^service type\s*:", text):
        return "dash"
    if re.search(r"(?m)^Service Type\s*:", text):
        return "title-case"
    if re.search(r"(?mi)^service type\s*:", text):
        return "labels"
    if re.search(r"(?i)service type is", text):
        return "prose"
    if re.search(r"(?i)service type", text) and re.search(r"(?i)site of service", text):
        return "one-sentence"
    return "folded"


def cell(text: str) -> tuple[str, str] | None:
    """(code kind, layout) of a page, or None when it has no title line."""
    match = _TITLE.search(text)
    return (_kind(match.group(1)), layout(text)) if match else None


def _names_five_payers(text: str) -> bool:
    return all(re.search(name, text) for name in _FIVE_PAYERS)


def _weights(templates: list[tuple[str, str, str]]) -> list[float]:
    """Each template's share of the pages (module docstring)."""
    cells = [cell(text) for _suffix, _code, text in templates]
    total = sum(FAMILY.values())
    weights = [SPREAD / len(templates)] * len(templates)
    for family_cell, pages in FAMILY.items():
        members = [i for i, c in enumerate(cells) if c == family_cell]
        preferred = [i for i in members if _names_five_payers(templates[i][2])] or members
        for i in preferred:
            weights[i] += (1 - SPREAD) * pages / total / len(preferred)
    return weights


def generate(count: int, folder: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    templates = []
    for path in sorted(TEMPLATES.iterdir()):
        text = path.read_text(encoding="utf-8")
        match = _TITLE.search(text)
        if match:
            templates.append((path.suffix, match.group(1), text))
    weights = _weights(templates)
    pools = {kind: rng.sample(codes, len(codes)) for kind, codes in _code_pools().items()}
    used: dict[str, int] = {}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        suffix, old_code, text = rng.choices(templates, weights)[0]
        kind = _kind(old_code)
        pool = pools[kind]
        code = pool[used.get(kind, 0) % len(pool)]
        used[kind] = used.get(kind, 0) + 1
        body = text.replace(old_code, code)
        if used[kind] > len(pool):  # pool exhausted: keep pages distinct by their words
            body += f"\nGenerated page {number}.\n"
        path = folder / f"{number:06d}-{code}{suffix}"
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?")
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--family", type=Path, help="print the cells of the pages in this folder (for FAMILY) and stop")
    args = parser.parse_args()
    if args.family is not None:
        counts: dict[tuple[str, str], int] = {}
        for path in sorted(args.family.iterdir()):
            found = cell(path.read_text(encoding="utf-8", errors="replace"))
            if found is not None:
                counts[found] = counts.get(found, 0) + 1
        print(counts)
        return
    if args.count is None or args.folder is None:
        parser.error("give COUNT and FOLDER")
    paths = generate(args.count, args.folder, args.seed)
    print(f"wrote {len(paths)} documents to {args.folder}")


if __name__ == "__main__":
    main()
