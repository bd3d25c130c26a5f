"""Validation engines side by side on synthetic graphs (a script, not a test).

    python -m benchmarks.validate_engines [--sizes 100000,1000000] [--pyshacl-max 1000000]
                                          [--engines pyshacl,fast] [--work DIR]

A synthetic graph replicates the seed page's document graph (about 640 triples) with a different
code, document and five payers drawn from a pool of 40 per copy, plus the ontology and the shipped
code sets, until it reaches the size asked for. One copy in 12 carries a planted defect, cycling
through every kind the shapes check (a step numbering gap, a repeated step number, an unknown
place of service, a fact or coverage assertion without evidence, an ill-typed date, a code past
its sunset date, two sources that disagree, a policy that ends before it starts, a coverage
assertion without payer, a notation that breaks its system's pattern).

Each (size, engine) runs in its own process, so its wall time and peak resident memory
(``ru_maxrss``) are its own. The process parses the N-Triples file into rdflib (timed apart) and
then calls ``codegraph.validate_graph(graph, engine=...)``; findings are compared across engines
by (severity, focus node, path, shape). pySHACL is run only up to ``--pyshacl-max`` triples (it
grows about linearly: 16 s at 100k, 47 s at 300k, so a 1M graph takes a few minutes; a larger
one is skipped with a note in the table).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from .child import run_child

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "documents" / "cpt-1001T-overview.txt"
SEED_CODE = "1001T"
SEED_PAYERS = {  # slug -> name, as the seed page names them
    "aetna": "Aetna",
    "blue-cross-blue-shield": "Blue Cross Blue Shield",
    "cigna": "Cigna",
    "medicare": "Medicare",
    "unitedhealthcare": "UnitedHealthcare",
}
PAYER_POOL = 40
DEFECT_EVERY = 12
DEFECT_KINDS = (
    "step-gap", "step-repeat", "unknown-pos", "fact-without-evidence", "coverage-without-evidence",
    "ill-typed-date", "sunset", "disagreement", "policy-period", "coverage-without-payer", "bad-notation",
)
AS_OF = "2026-01-01"

CG = "https://w3id.org/codegraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _seed_document() -> tuple[str, str]:
    """The seed's document N-Quads as N-Triples lines, and its SHA-256."""
    from codegraph import build

    result = build([SEED], include_reference=False)
    (sha, nquads), = result.nquads.items()
    lines = [line.rsplit(" ", 2)[0] + " .\n" for line in nquads.splitlines() if line]
    return "".join(lines), sha


def _reference_ntriples() -> str:
    from codegraph import reference_graphs
    from codegraph.rdf.terms import nt_term

    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for graph in reference_graphs().values() for s, p, o in graph)


def _copy(template: str, sha: str, index: int) -> str:
    """Copy ``index`` of the seed document: its own document key, code and payers."""
    new_sha = hashlib.sha256(f"synthetic-{index}".encode()).hexdigest()
    code = f"{index % 10000:04d}T"
    payers = {slug: (f"payer-{(index * 7 + k) % PAYER_POOL}", f"Payer {(index * 7 + k) % PAYER_POOL}")
              for k, slug in enumerate(SEED_PAYERS)}
    replacements = {sha: new_sha, sha[:16]: new_sha[:16], SEED_CODE: code}
    for slug, (new_slug, new_name) in payers.items():
        replacements[f"/payer/{slug}>"] = f"/payer/{new_slug}>"
        replacements[f"/coverage/{slug}>"] = f"/coverage/{new_slug}>"
        replacements[f'"{SEED_PAYERS[slug]}"'] = f'"{new_name}"'
    pattern = re.compile("|".join(re.escape(key) for key in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda match: replacements[match.group(0)], template)


def _plant(text: str, index: int, kind: str) -> str:
    """Plant one defect of ``kind`` in copy ``index`` (N-Triples text)."""
    doc = f"https://w3id.org/codegraph/id/document/{hashlib.sha256(f'synthetic-{index}'.encode()).hexdigest()[:16]}"
    code = f"<http://purl.bioontology.org/ontology/CPT/{index % 10000:04d}T>"
    aetna = f"<{doc}/coverage/payer-{(index * 7) % PAYER_POOL}>"
    lines = text.splitlines(keepends=True)

    def drop(subject: str, predicate: str) -> None:
        nonlocal lines
        lines = [line for line in lines if not (line.startswith(subject + " ") and f" <{CG}{predicate}> " in line)]

    def replace(subject: str, predicate: str, new_object: str) -> None:
        drop(subject, predicate)
        lines.append(f"{subject} <{CG}{predicate}> {new_object} .\n")

    if kind == "step-gap":
        replace(f"<{doc}/step/5>", "stepOrder", f'"12"^^<{XSD}integer>')
    elif kind == "step-repeat":  # a second step numbered 3
        extra = f"<{doc}/step/extra>"
        lines += [
            f"{code} <{CG}procedureStep> {extra} .\n",
            f"{extra} {RDF_TYPE} <{CG}ProcedureStep> .\n",
            f'{extra} <{CG}stepOrder> "3"^^<{XSD}integer> .\n',
            f"{extra} <{CG}stepKind> <https://w3id.org/codegraph/vocab/step-kind/other> .\n",
            f'{extra} <{CG}text> "a second step 3" .\n',
            f"{extra} <{CG}evidence> <{doc}/evidence/2772-2794> .\n",
        ]
    elif kind == "unknown-pos":
        lines.append(f"<{doc}/site-of-service/text> <{CG}placeOfService> <https://w3id.org/codegraph/id/pos/98> .\n")
    elif kind == "fact-without-evidence":
        drop(f"<{doc}/step/2>", "evidence")
    elif kind == "coverage-without-evidence":
        drop(aetna, "evidence")
    elif kind == "ill-typed-date":
        lines.append(f'{aetna} <{CG}effectiveDate> "2024-02-30"^^<{XSD}date> .\n')
    elif kind == "sunset":
        lines.append(f'{code} <{CG}sunsetDate> "2020-07-01"^^<{XSD}date> .\n')
    elif kind == "disagreement":
        other_doc = f"<{doc}/bulletin>"
        other = f"<{doc}/coverage/bulletin>"
        evidence = f"<{doc}/bulletin/evidence/0-10>"
        replace(aetna, "coverageStatus", "<https://w3id.org/codegraph/vocab/coverage-status/covered>")
        lines += [
            f"{other_doc} {RDF_TYPE} <{CG}SourceDocument> .\n",
            f'{other_doc} <{CG}sha256> "{hashlib.sha256(other_doc.encode()).hexdigest()}" .\n',
            f"{evidence} {RDF_TYPE} <{CG}Evidence> .\n",
            f"{evidence} <{CG}inDocument> {other_doc} .\n",
            f'{evidence} <{CG}startOffset> "0"^^<{XSD}integer> .\n',
            f'{evidence} <{CG}endOffset> "10"^^<{XSD}integer> .\n',
            f'{evidence} <{CG}quote> "not covered" .\n',
            f"{other} {RDF_TYPE} <{CG}CoverageAssertion> .\n",
            f"{other} <{CG}evidence> {evidence} .\n",
            f"{other} <{CG}billingCode> {code} .\n",
            f"{other} <{CG}payer> <https://w3id.org/codegraph/id/payer/payer-{(index * 7) % PAYER_POOL}> .\n",
            f"{other} <{CG}coverageStatus> <https://w3id.org/codegraph/vocab/coverage-status/not-covered> .\n",
        ]
    elif kind == "policy-period":
        policy = f"<{doc}/policy>"
        lines += [
            f"{policy} {RDF_TYPE} <{CG}PolicyDocument> .\n",
            f'{policy} <{CG}policyIdentifier> "P-{index}" .\n',
            f'{policy} <{CG}effectiveFrom> "2025-06-01"^^<{XSD}date> .\n',
            f'{policy} <{CG}effectiveThrough> "2025-01-31"^^<{XSD}date> .\n',
        ]
    elif kind == "coverage-without-payer":
        drop(aetna, "payer")
    elif kind == "bad-notation":
        notation = "<http://www.w3.org/2004/02/skos/core#notation>"
        lines = [line for line in lines if not (line.startswith(code + " ") and f" {notation} " in line)]
        lines.append(f'{code} {notation} "{index % 10000:04d}TX" .\n')
    else:
        raise ValueError(f"unknown defect kind {kind!r}")
    return "".join(lines)


def synthetic_ntriples(target_triples: int) -> tuple[str, int, dict[str, int]]:
    """N-Triples text of about ``target_triples`` triples; the number of copies and of defects planted by kind."""
    template, sha = _seed_document()
    reference = _reference_ntriples()
    parts = [reference]
    size = reference.count("\n")
    per_copy = template.count("\n")
    planted: dict[str, int] = {}
    index = 0
    while size + per_copy <= target_triples:
        index += 1
        text = _copy(template, sha, index)
        if index % DEFECT_EVERY == 0:
            kind = DEFECT_KINDS[(index // DEFECT_EVERY) % len(DEFECT_KINDS)]
            text = _plant(text, index, kind)
            planted[kind] = planted.get(kind, 0) + 1
        parts.append(text)
        size += text.count("\n")
    # Shared triples (payers, the activity, codes named twice) repeat across copies: dedupe.
    unique = sorted(set("".join(parts).splitlines(keepends=True)))
    return "".join(unique), index, planted


def run_engine(path: str, engine: str) -> dict:
    """Child process body: parse, validate, summarise."""
    from datetime import date

    from rdflib import Graph

    from codegraph import validate_graph

    start = time.perf_counter()
    graph = Graph().parse(path, format="nt")
    parsed = time.perf_counter()
    report = validate_graph(graph, engine=engine, as_of=date.fromisoformat(AS_OF))
    done = time.perf_counter()
    findings = sorted((f.severity, f.focus_node, f.path or "", f.shape) for f in report.findings)
    by_shape: dict[str, int] = {}
    for finding in report.findings:
        by_shape[finding.shape.rsplit("#", 1)[-1]] = by_shape.get(finding.shape.rsplit("#", 1)[-1], 0) + 1
    return {
        "triples": len(graph),
        "parse_seconds": parsed - start,
        "validate_seconds": done - parsed,
        "counts": report.counts(),
        "by_shape": by_shape,
        "fingerprint": hashlib.sha256(json.dumps(findings).encode()).hexdigest()[:16],
    }


def measure(path: Path, engine: str) -> dict:
    """Run one engine on one file in a child process; add its peak resident memory."""
    return run_child("benchmarks.validate_engines", "--child", str(path), engine, cwd=ROOT)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="triples per synthetic graph, comma-separated")
    parser.add_argument("--engines", default="pyshacl,fast", help="engines to compare, comma-separated")
    parser.add_argument("--pyshacl-max", type=int, default=1000000, help="largest graph pySHACL is run on")
    parser.add_argument("--work", type=Path, help="folder for the synthetic graphs (default: a temporary one)")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_engine(*args.child)))
        return

    work = args.work or Path(tempfile.mkdtemp(prefix="codegraph-validate-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    print(f"machine: {os.cpu_count()} cores; as-of date {AS_OF}; one process per run (peak RSS is the run's own)")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        path = work / f"synthetic-{size}.nt"
        start = time.perf_counter()
        text, copies, planted = synthetic_ntriples(size)
        path.write_text(text, encoding="utf-8")
        print(f"\n{size:,} triples asked: {text.count(chr(10)):,} written ({copies} documents, "
              f"{sum(planted.values())} defects planted) in {time.perf_counter() - start:.1f} s -> {path}")
        results = {}
        for engine in engines:
            if engine == "pyshacl" and size > args.pyshacl_max:
                print(f"  {engine:<8} skipped: over --pyshacl-max {args.pyshacl_max:,} (it would take many minutes)")
                continue
            figures = measure(path, engine)
            results[engine] = figures
            print(f"  {engine:<8} validate {figures['validate_seconds']:7.1f} s  (+ parse {figures['parse_seconds']:5.1f} s)  "
                  f"peak {figures['peak_mb']:7.0f} MB  {figures['counts']}  fingerprint {figures['fingerprint']}")
        if len(results) > 1:
            (a, fa), (b, fb) = list(results.items())[:2]
            print(f"  ratio {a}/{b}: {fa['validate_seconds'] / fb['validate_seconds']:.1f}x validate time, "
                  f"{fa['peak_mb'] / fb['peak_mb']:.1f}x peak memory; same findings: {fa['fingerprint'] == fb['fingerprint']}")
        rows.append({"size": size, "copies": copies, "planted": planted, "results": results})
    print("\n" + json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
