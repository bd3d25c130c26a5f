"""Draw the ontology as a Graphviz diagram: ``python scripts/ontology_diagram.py`` writes
``docs/images/ontology.dot`` and, where Graphviz's ``dot`` is installed, ``docs/images/ontology.png``.

Made from ``ontology/codegraph.ttl`` alone, so the picture in the README is the model the code
uses: classes (codegraph's and the other vocabularies' they specialise) as boxes, rdfs:subClassOf
as hollow arrows, and each object property with a domain and a range as a labelled arrow.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = {
    "https://w3id.org/codegraph/ontology#": "cg:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://schema.org/": "schema:",
    "http://www.w3.org/ns/oa#": "oa:",
}
CG = "https://w3id.org/codegraph/ontology#"


def short(term: URIRef) -> str:
    for namespace, prefix in PREFIXES.items():
        if str(term).startswith(namespace):
            return prefix + str(term)[len(namespace):]
    return str(term)


def dot_source(ontology: Graph) -> str:
    classes = sorted({c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(CG)}, key=str)
    lines = ["digraph codegraph {", '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.25, ranksep=0.6];',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=8, color="#555555"];']
    drawn: set[URIRef] = set(classes)
    for cls in classes:
        for parent in sorted(ontology.objects(cls, RDFS.subClassOf), key=str):
            if isinstance(parent, URIRef):
                drawn.add(parent)
                lines.append(f'  "{short(cls)}" -> "{short(parent)}" [arrowhead=empty, style=dashed];')
    for prop in sorted(ontology.subjects(RDF.type, OWL.ObjectProperty), key=str):
        if not str(prop).startswith(CG):
            continue
        domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        if isinstance(domain, URIRef) and isinstance(range_, URIRef):
            drawn.update((domain, range_))
            lines.append(f'  "{short(domain)}" -> "{short(range_)}" [label="{short(prop)}"];')
    for node in sorted(drawn - set(classes), key=str):
        lines.append(f'  "{short(node)}" [fillcolor="#f4f4f4"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "codegraph.ttl")
    images = ROOT / "docs" / "images"
    source = images / "ontology.dot"
    source.write_text(dot_source(ontology), encoding="utf-8")
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tpng", "-Gdpi=80", str(source), "-o", str(images / "ontology.png")], check=True)
        print(f"wrote {source} and {images / 'ontology.png'}")
    else:
        print(f"wrote {source}; install Graphviz (dot) to draw it")


if __name__ == "__main__":
    main()
