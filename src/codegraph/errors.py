"""Typed errors. Each also subclasses the built-in a caller would expect to catch."""

from __future__ import annotations

from pathlib import Path


class CodegraphError(Exception):
    """Base class of every error codegraph raises on purpose."""


class DocumentError(CodegraphError, ValueError):
    """A document could not be read as a billing-code page.

    Carries the file and, where known, the 1-based line, so the message can say where to look.
    """

    def __init__(self, path: str | Path, reason: str, line: int | None = None, hint: str = ""):
        self.path = str(path)
        self.line = line
        self.reason = reason
        self.hint = hint
        where = f"{self.path}:{line}" if line else self.path
        message = f"{where}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def __reduce__(self):
        # Rebuild from the fields, so the error survives the trip back from a worker process.
        return (type(self), (self.path, self.reason, self.line, self.hint))


class ResourceError(CodegraphError, FileNotFoundError):
    """A bundled resource (ontology, shapes, query, vocabulary) is missing or broken."""


class QueryError(CodegraphError, ValueError):
    """A query name, parameter or result could not be used."""


class GraphInputError(CodegraphError, ValueError):
    """An RDF input file could not be parsed or loaded."""


class EndpointError(CodegraphError, ConnectionError):
    """A SPARQL endpoint failed or answered with an error status."""


class StoreNotFoundError(CodegraphError, FileNotFoundError):
    """No store where one was asked for (``open_store(path)`` without ``create=True``)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        super().__init__(f"{self.path}: no codegraph store there; build one with 'codegraph build PATH --store {self.path}' "
                         "or check the path")

    def __reduce__(self):
        return (type(self), (self.path,))


class OutputError(CodegraphError, OSError):
    """An output file could not be written (disk full, no permission); the previous file is kept."""

    def __init__(self, path: str | Path, cause: OSError | str):
        self.path = str(path)
        self.cause = cause.strerror or str(cause) if isinstance(cause, OSError) else cause
        super().__init__(f"{self.path}: cannot write it: {self.cause}; the previous file, if any, is unchanged")

    def __reduce__(self):
        return (type(self), (self.path, self.cause))
