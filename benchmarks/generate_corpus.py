"""Write N synthetic overview documents, seeded, for benchmarks.

Each document is one of the hand-written test corpus pages (tests/corpus/documents: every layout,
missing-data phrasing and format the reader handles) with its code replaced by another code of
the same kind, drawn from the real code ranges (CPT Category I 10004-99499, Category III
0001T-1050T, Category II 0001F-9007F, PLA 0001U-0500U, HCPCS Level II J0120-J9999). The same N
and seed always give the same files.

    python -m benchmarks.generate_corpus 1000 /tmp/corpus-1k [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "documents"
_TITLE = re.compile(r"(?:CPT|HCPCS(?: Level II)?)\s+(?:code\s+)?([0-9A-Z]{5})\s*:")


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


def generate(count: int, folder: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    templates = []
    for path in sorted(TEMPLATES.iterdir()):
        text = path.read_text(encoding="utf-8")
        match = _TITLE.search(text)
        if match:
            templates.append((path.suffix, match.group(1), text))
    pools = {kind: rng.sample(codes, len(codes)) for kind, codes in _code_pools().items()}
    used: dict[str, int] = {}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        suffix, old_code, text = templates[rng.randrange(len(templates))]
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
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    paths = generate(args.count, args.folder, args.seed)
    print(f"wrote {len(paths)} documents to {args.folder}")


if __name__ == "__main__":
    main()
