"""RDF: the project's namespaces, IRI minting, term forms, and the mapping of facts to named graphs."""

from .namespaces import CG, CGV, ID, PREFIXES, bind_prefixes

__all__ = ["CG", "CGV", "ID", "PREFIXES", "bind_prefixes"]
