"""RDF: the project's namespaces, IRI minting, and the mapping of facts to named graphs."""

from .mapper import bind_prefixes, facts_to_graph
from .namespaces import CG, CGV, ID, PREFIXES

__all__ = ["CG", "CGV", "ID", "PREFIXES", "bind_prefixes", "facts_to_graph"]
