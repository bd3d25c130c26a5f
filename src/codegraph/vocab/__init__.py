"""Reference vocabularies: the lexicon used for recognition and the SKOS concept schemes."""

from .lexicon import Lexicon, LexiconEntry, Mention, anatomy_lexicon, clinical_lexicon

__all__ = ["Lexicon", "LexiconEntry", "Mention", "anatomy_lexicon", "clinical_lexicon"]
from .schemes import SCHEMES, available_schemes, scheme_graph, vocab_graph_iri

__all__ += ["SCHEMES", "available_schemes", "scheme_graph", "vocab_graph_iri"]
