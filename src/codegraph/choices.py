"""The closed lists of names that commands offer and the library checks against, each kept once.

Light on purpose (no imports beyond the standard library), so ``codegraph --help`` can build its
choices without loading rdflib; the modules that implement each list check against it.
"""

from __future__ import annotations

ENGINES = ("fast", "pyshacl", "shifty")
"""SHACL engines: ``fast`` names the default native engine (today ``shifty``); ``pyshacl`` is the reference."""
DEFAULT_ENGINE = "fast"

STORE_WAIT_SECONDS = 60.0
"""How long opening the embedded store waits for the codegraph processes that hold it (``--wait``,
``timeout=``): a reader for a writer to finish, a writer for readers and another writer."""

SEVERITIES = ("violation", "warning", "info")
"""SHACL severities, most severe first."""

LINES_OF_BUSINESS = ("commercial", "medicare-ffs", "medicare-advantage", "medicaid")

RDF_FILE_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}
"""File extension -> the RDF format codegraph reads and writes it in (rdflib's names)."""

EXPORT_FORMATS = {
    "turtle": "turtle",
    "ttl": "turtle",
    "trig": "trig",
    "nt": "nt",
    "nquads": "nquads",
    "nq": "nquads",
    "jsonld": "json-ld",
    "json-ld": "json-ld",
    "jsonld-expanded": "json-ld-expanded",
    "xml": "xml",
    "rdfxml": "xml",
}
"""``--format`` names -> rdflib's format names."""
EXPORT_FORMAT_CHOICES = ("turtle", "trig", "nt", "nquads", "jsonld", "rdfxml")

QUERY_OUTPUT_FORMATS = ("table", "csv", "json", "xlsx")
REPORT_FORMATS = ("text", "json", "turtle", "html", "csv", "xlsx")
