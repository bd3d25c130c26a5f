"""Reference vocabularies: the lexicon used for recognition and the SKOS concept schemes."""

from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Lexicon, LexiconEntry, Mention, anatomy_lexicon, clinical_lexicon
from .schemes import SCHEMES, available_schemes, scheme_graph, vocab_graph_iri

ICD10CM = "icd10cm"


@dataclass(frozen=True)
class VocabularySummary:
    """One code set: its name, how many concepts, its title and source, and how it is loaded."""

    name: str
    concepts: int
    title: str
    source: str
    note: str = ""


def vocabulary_summaries() -> list[VocabularySummary]:
    """Every code set codegraph ships (and ICD-10-CM, loaded on request)."""
    from rdflib import SKOS
    from rdflib.namespace import DCTERMS

    from ..rdf.iris import scheme_iri
    from .icd10cm import SOURCE, release

    summaries = []
    for name in SCHEMES:
        graph = scheme_graph(name)
        size = len(set(graph.subjects(SKOS.inScheme, scheme_iri(name))))
        summaries.append(VocabularySummary(name, size, SCHEMES[name].title, str(graph.value(scheme_iri(name), DCTERMS.source))))
    summaries.append(VocabularySummary(ICD10CM, 98_500, release(), SOURCE, "loaded with build --icd10cm"))
    return summaries


def vocabulary_nquads(name: str) -> bytes:
    """The code set ``name`` as canonical N-Quads (its lines sorted, in its own graph)."""
    from ..errors import NotFoundError
    from ..rdf.terms import nquad_line
    from .icd10cm import RELEASE_GRAPH, icd10cm_ntriples

    if name == ICD10CM:
        suffix = f" <{RELEASE_GRAPH}> .\n"
        lines = sorted(line[: line.rfind(" .")] + suffix for line in icd10cm_ntriples().splitlines() if line.strip())
    elif name in SCHEMES:
        graph = scheme_graph(name)
        lines = sorted({nquad_line(s, p, o, graph.identifier) for s, p, o in graph})
    else:
        from ..search.match import suggest

        raise NotFoundError(f"unknown vocabulary {name!r} (the vocabulary list shows them)",
                            tuple(suggest(name, [*SCHEMES, ICD10CM])))
    return "".join(lines).encode("utf-8")


__all__ = ["ICD10CM", "SCHEMES", "Lexicon", "LexiconEntry", "Mention", "VocabularySummary", "anatomy_lexicon",
           "available_schemes", "clinical_lexicon", "scheme_graph", "vocab_graph_iri", "vocabulary_nquads", "vocabulary_summaries"]
