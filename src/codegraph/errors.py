"""Typed errors. Each also subclasses the built-in a caller would expect to catch."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Rebuild from the fields, so the error survives the trip back from a worker process.
        return (type(self), (self.path, self.reason, self.line, self.hint))


class ResourceError(CodegraphError, FileNotFoundError):
    """A bundled resource (ontology, shapes, query library, vocabulary file) is missing."""


class CatalogError(CodegraphError, ValueError):
    """A query, shape or vocabulary file is there but malformed (a bad header, a bad row)."""


class NotFoundError(CodegraphError, LookupError):
    """A name that is not there: an unknown vocabulary, query or engine, or a code, payer or
    diagnosis the graph does not hold. ``suggestions`` holds the closest names, best first."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        self.suggestions = tuple(suggestions)
        self.reason = message
        if self.suggestions:
            message += f"; did you mean {', '.join(self.suggestions)}?"
        super().__init__(message)

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.reason, self.suggestions))


class QueryError(CodegraphError, ValueError):
    """A query name, parameter or result could not be used."""


class UnknownQueryError(QueryError, NotFoundError):
    """No catalog query of that name."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        NotFoundError.__init__(self, message, suggestions)


class UnknownCodeError(QueryError, NotFoundError):
    """A billing code the graph does not hold (the closest codes in ``suggestions``)."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        NotFoundError.__init__(self, message, suggestions)


class UnknownPayerError(QueryError, NotFoundError):
    """A payer (or Medicare contractor) the graph does not hold."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        NotFoundError.__init__(self, message, suggestions)


class UnknownPlaceOfServiceError(QueryError, NotFoundError):
    """A place of service that is not in the graph's place-of-service code set."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        NotFoundError.__init__(self, message, suggestions)


class UnknownDiagnosisError(QueryError, NotFoundError):
    """An ICD-10-CM code that is not in the loaded ICD-10-CM release."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        NotFoundError.__init__(self, message, suggestions)


class GraphInputError(CodegraphError, ValueError):
    """An RDF input file could not be parsed or loaded."""


class EndpointError(CodegraphError, ConnectionError):
    """A SPARQL endpoint failed or answered with an error status."""


class EngineError(CodegraphError, ValueError):
    """A validation engine is unknown, not installed, or cannot run the shapes."""


class CellProblem(CodegraphError, ValueError):
    """A table cell that cannot be used: the import records it as a row error and skips the row."""

    def __init__(self, column: str, reason: str):
        self.column = column
        self.reason = reason
        super().__init__(f"column {column}: {reason}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.column, self.reason))


class SiteOutputError(CodegraphError, FileExistsError):
    """The site's output folder cannot be used (it holds files that are not a codegraph site)."""


class StoreNotFoundError(CodegraphError, FileNotFoundError):
    """No store where one was asked for (``open_store(path)`` without ``create=True``)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        super().__init__(f"{self.path}: no codegraph store there; build one with 'codegraph build PATH --store {self.path}' "
                         "or check the path")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.path,))


class StoreBusyError(CodegraphError, TimeoutError):
    """Another codegraph process holds the embedded store: one is writing it (a reader or a second
    writer waited for it in vain), or some are reading it while a writer waited, or a
    ``codegraph serve`` reads it until stopped. ``reason`` says which; no RocksDB error shows."""

    def __init__(self, path: str | Path, reason: str, hint: str):
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        super().__init__(f"{self.path}: {reason}; {hint}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.path, self.reason, self.hint))


class StoreReadOnlyError(CodegraphError, PermissionError):
    """A write to an embedded store opened with ``read_only=True``."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        super().__init__(f"{self.path}: the store was opened read-only; open it with read_only=False to write")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.path,))


class OutputError(CodegraphError, OSError):
    """An output file could not be written (disk full, no permission); the previous file is kept."""

    def __init__(self, path: str | Path, cause: OSError | str):
        self.path = str(path)
        self.cause = cause.strerror or str(cause) if isinstance(cause, OSError) else cause
        super().__init__(f"{self.path}: cannot write it: {self.cause}; the previous file, if any, is unchanged")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (type(self), (self.path, self.cause))
