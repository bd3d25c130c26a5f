#!/usr/bin/env python3
"""Generate ``data/vocab/anatomy.csv``: the UBERON subset codegraph ships, with all ancestors.

Why a script: the subset must be reproducible from an UBERON release and widen-able by anyone
with a fuller release file, so nothing in the CSV is typed by hand except the seed list
(``data/vocab/anatomy-seeds.csv``: which structures the billing-code family needs, the label
UBERON gives each, and our own clinical surface forms). Everything else - labels, EXACT
synonyms, FMA cross-references, ``is_a`` and ``part_of`` parents - is read from the OBO files
with pronto, and every ancestor of every seed under both relations is shipped, so a question
about a region reaches the codes that target any part or kind of it.

Usage (pronto is needed only here: ``pip install pronto rdflib``)::

    python scripts/build_anatomy_subset.py \
        --obo musculoskeletal-minimal.obo --obo nervous-minimal.obo ... \
        --bridge uberon-bridge-to-ma.owl --bridge uberon-bridge-to-ncit.owl ... \
        --seeds data/vocab/anatomy-seeds.csv --out data/vocab/anatomy.csv

``--obo`` files are read in the order given; a term is taken from the first file that has it,
so put the newest release first (a full ``uberon.obo`` or ``uberon-basic.obo`` alone is best).
``--bridge`` files (UBERON's ``src/ontology/bridge/uberon-bridge-to-*.owl`` of a later release)
give each bridged class's UBERON label as ``"<label> (<source>)"``: each shipped row says whether
its identifier and label were found there, so a subset read from an older release is still
checked against the newer one. The script stops (exit 1) when a seed is missing, obsolete or
labelled differently in the source, when a bridge gives a different label, or when the result has
a cycle.

fastobo (under pronto) is strict: older UBERON releases carry free-text ``def:``/``comment:``
values, URL cross-references and synonym types it rejects, and relations used but not declared.
Those lines carry nothing this subset uses, so they are dropped (and missing types declared)
before parsing; ids, names, synonyms, ``is_a`` and ``relationship: part_of`` are kept verbatim.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PART_OF = {"part_of", "BFO:0000050"}
_URL_XREF = re.compile(r"(?m)^xref: (?![A-Za-z][\w.-]*:[^\s:/]\S*(?:\s|$)).*\n")
_FREE_TEXT = re.compile(r"(?m)^(?:def|comment|property_value|created_by|creation_date|owl-axioms): .*\n")
_SYNONYM_TYPE = re.compile(r'(?m)^synonym: ".*?(?<!\\)" [A-Z]+ ([A-Za-z_:0-9-]+) \[')
_TYPEDEF_NOISE = re.compile(
    r"(?m)^(?:is_a|holds_over_chain|equivalent_to_chain|transitive_over|inverse_of|domain|range|"
    r"disjoint_from|expand_expression_to|expand_assertion_to|union_of|intersection_of): .*\n"
)


@dataclass
class Term:
    id: str
    name: str
    obsolete: bool
    is_a: list[str]
    part_of: list[str]
    synonyms: list[str]
    fma: list[str]
    source: str


@dataclass
class Source:
    path: Path
    label: str
    terms: dict[str, Term] = field(default_factory=dict)


def clean_obo(text: str) -> str:
    """The OBO text minus what fastobo rejects and this script does not read (see the docstring)."""
    text = _FREE_TEXT.sub("", text)
    text = _URL_XREF.sub("", text)
    header, sep, body = text.partition("\n[")
    used = set(_SYNONYM_TYPE.findall(body))
    declared = set(re.findall(r"(?m)^synonymtypedef: (\S+)", header))
    header += "".join(f'\nsynonymtypedef: {t} "{t}"' for t in sorted(used - declared))
    stanzas = (sep + body).split("\n\n")
    kept = []
    for stanza in stanzas:
        if stanza.lstrip("\n[").startswith("Typedef]"):
            stanza = _TYPEDEF_NOISE.sub("", stanza + "\n").rstrip("\n")
        kept.append(stanza)
    body = "\n\n".join(kept)
    typedefs = set(re.findall(r"(?m)^\[Typedef\]\nid: (\S+)", body))
    relations = set(re.findall(r"(?m)^relationship: (\S+) ", body))
    missing = sorted(relations - typedefs)
    body += "".join(f"\n\n[Typedef]\nid: {r}\nname: {r}" for r in missing)
    # Parents outside the file (an import module's upper-level classes) become empty stanzas.
    declared_terms = set(re.findall(r"(?m)^\[Term\]\nid: (\S+)", body))
    referenced = set(re.findall(r"(?m)^is_a: (\S+)", body))
    body += "".join(f"\n\n[Term]\nid: {t}" for t in sorted(referenced - declared_terms - typedefs))
    return header + "\n" + body.lstrip("\n") + "\n"


def load_source(path: Path) -> Source:
    import pronto  # only the generator needs it

    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    version = re.search(r"(?m)^data-version: (\S+)", text)
    ontology = re.search(r"(?m)^ontology: (\S+)", text)
    header = version or ontology
    label = f"{path.name} ({header.group(1) if header else 'no header'}; sha256 {hashlib.sha256(raw).hexdigest()[:12]})"
    onto = pronto.Ontology(io.BytesIO(clean_obo(text).encode("utf-8")))
    source = Source(path, label)
    for term in onto.terms():
        if not term.id.startswith("UBERON:") or not re.fullmatch(r"UBERON:\d{7}", term.id):
            continue
        parts = sorted(
            {t.id for rel, targets in term.relationships.items() if rel.id in PART_OF or rel.name == "part of" for t in targets}
        )
        source.terms[term.id] = Term(
            id=term.id,
            name=(term.name or "").strip(),
            obsolete=bool(term.obsolete),
            is_a=sorted(p.id for p in term.superclasses(distance=1, with_self=False)),
            part_of=parts,
            synonyms=sorted({s.description.strip() for s in term.synonyms if s.scope == "EXACT" and s.description.strip()}),
            fma=sorted(x.id for x in term.xrefs if x.id.startswith("FMA:")),
            source=path.name,
        )
    return source


def load_bridges(paths: list[Path]) -> dict[str, dict[str, str]]:
    """UBERON id -> {bridge file: UBERON label} from ``uberon-bridge-to-*.owl`` files."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL, RDFS

    note = URIRef("http://purl.obolibrary.org/obo/IAO_0000589")
    found: dict[str, dict[str, str]] = {}
    for path in paths:
        graph = Graph()
        graph.parse(path, format="xml")
        for predicate in (RDFS.subClassOf, OWL.equivalentClass):
            for s, o in graph.subject_objects(predicate):
                iri = str(o)
                if not iri.startswith("http://purl.obolibrary.org/obo/UBERON_"):
                    continue
                for text in graph.objects(s, note):
                    label = re.sub(r"\s*\([^()]*\)$", "", str(text)).strip()
                    found.setdefault("UBERON:" + iri.rsplit("_", 1)[1], {})[path.name] = label
    return found


def read_seeds(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["id"].strip() and not row["id"].startswith("#")]


def build(sources: list[Source], seeds: list[dict[str, str]], bridges: dict[str, dict[str, str]]) -> tuple[list[dict[str, str]], list[str]]:
    problems: list[str] = []

    def lookup(curie: str) -> Term | None:
        for source in sources:
            if curie in source.terms:
                return source.terms[curie]
        return None

    seed_rows = {row["id"].strip(): row for row in seeds}
    chosen: dict[str, Term] = {}
    todo = list(seed_rows)
    while todo:
        curie = todo.pop()
        if curie in chosen:
            continue
        term = lookup(curie)
        if term is None:
            (problems.append(f"{curie}: in no source file") if curie in seed_rows else None)
            continue
        if term.obsolete:
            problems.append(f"{curie} ({term.name}): obsolete in {term.source}")
            continue
        chosen[curie] = term
        todo.extend(p for p in term.is_a + term.part_of if p.startswith("UBERON:"))
    for curie, row in seed_rows.items():
        term = chosen.get(curie)
        if term and term.name.lower() != row["label"].strip().lower():
            problems.append(f"{curie}: UBERON label is {term.name!r}, seed says {row['label']!r}")
    rows = []
    for curie in sorted(chosen):
        term = chosen[curie]
        checked = bridges.get(curie, {})
        newer = set(checked.values())
        renamed = ""
        if len(newer) == 1 and term.name not in newer:  # the later release renamed it: ship its label
            renamed = f"; label {term.name!r} in the source, {next(iter(newer))!r} in the later release (shipped)"
            term.synonyms = sorted(set(term.synonyms) | {term.name})
            term.name = next(iter(newer))
        is_a = [p for p in term.is_a if p in chosen]
        part_of = [p for p in term.part_of if p in chosen and p not in is_a]
        seed = seed_rows.get(curie)
        forms: list[str] = []
        if seed:
            forms = [term.name.lower()] + [s.lower() for s in term.synonyms]
            forms += [s.strip().lower() for s in (seed.get("synonyms") or "").split("|") if s.strip()]
            drop = {s.strip().lower() for s in (seed.get("exclude") or "").split("|") if s.strip()}
            forms = [f for i, f in enumerate(forms) if f not in forms[:i] and f not in drop]
        mismatched = {b: lab for b, lab in checked.items() if lab.lower() != term.name.lower()}
        if mismatched:
            problems.append(f"{curie} ({term.name}): a later release labels it {mismatched}")
        verified = f"UBERON {next(s.label for s in sources if s.path.name == term.source)}: id, name, is_a, part_of read"
        verified += (
            f"; id and label confirmed in {', '.join(sorted(checked))}" if checked else "; not in the bridge files given"
        ) + renamed
        rows.append(
            {
                "id": curie,
                "label": term.name,
                "synonyms": "|".join(forms),
                "is_a": "|".join(is_a),
                "part_of": "|".join(part_of),
                "fma": "|".join(term.fma[:1]),
                "group": (seed.get("group") or "").strip() if seed else "",
                "verified_source": verified,
            }
        )
    problems += find_cycles(rows)
    return rows, problems


def find_cycles(rows: list[dict[str, str]]) -> list[str]:
    parents = {r["id"]: [p for p in (r["is_a"] + "|" + r["part_of"]).split("|") if p] for r in rows}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for parent in parents.get(node, []):
            if state.get(parent) == 1:
                cycles.append("cycle: " + " -> ".join(path + [node, parent]))
            elif parent not in state:
                visit(parent, path + [node])
        state[node] = 2

    for node in parents:
        if node not in state:
            visit(node, [])
    return cycles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--obo", action="append", type=Path, required=True, help="UBERON OBO file, newest first (repeatable)")
    parser.add_argument("--bridge", action="append", type=Path, default=[], help="uberon-bridge-to-*.owl of a later release")
    parser.add_argument("--seeds", type=Path, default=Path("data/vocab/anatomy-seeds.csv"))
    parser.add_argument("--out", type=Path, default=Path("data/vocab/anatomy.csv"))
    args = parser.parse_args(argv)
    sources = [load_source(path) for path in args.obo]
    for source in sources:
        print(f"read {len(source.terms)} UBERON terms from {source.label}", file=sys.stderr)
    bridges = load_bridges(args.bridge)
    rows, problems = build(sources, read_seeds(args.seeds), bridges)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    if problems:
        return 1
    with args.out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    seeds = sum(1 for r in rows if r["synonyms"])
    print(f"wrote {len(rows)} structures ({seeds} recognised in text, {len(rows) - seeds} ancestors) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
