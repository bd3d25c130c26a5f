"""Validation engines behind one signature: ``validate(data, shapes) -> list[EngineResult]``.

``pyshacl`` is the reference. ``shifty`` (PyPI ``pyshifty``) is the fast default: on our shapes and
fixture graphs it gives exactly pySHACL's results (focus node, path, shape, severity and message;
``tests/test_engines.py`` checks it). ``fast`` names the default fast engine, so scripts need not
change if it does.

Where a fast engine disagrees with pySHACL on a shape, that shape is routed to pySHACL (listed in
``ROUTED_TO_PYSHACL``) and the two result lists are joined. For shifty the list is empty: its one
difference was message templating ({$value} in a core constraint's sh:message, which shifty fills
in and pySHACL leaves as written; SHACL defines templates for SPARQL constraints only), and the
shapes no longer use it.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph, URIRef

from ...choices import DEFAULT_ENGINE
from ...choices import ENGINES as CHOICES
from ...errors import EngineError
from ..shapes import node_shapes, shapes_subset
from . import pyshacl_engine, shifty_engine
from .base import EngineResult, ValidationData

Engine = Callable[[ValidationData, Graph], list[EngineResult]]

ENGINES: dict[str, Engine] = {
    pyshacl_engine.NAME: pyshacl_engine.validate,
    shifty_engine.NAME: shifty_engine.validate,
}
FAST = shifty_engine.NAME
DEFAULT = DEFAULT_ENGINE
ENGINE_NAMES = CHOICES
assert set(ENGINE_NAMES) == {DEFAULT, *ENGINES}, "codegraph.choices.ENGINES must name every engine"
ROUTED_TO_PYSHACL: dict[str, frozenset[URIRef]] = {shifty_engine.NAME: frozenset()}


def resolve(name: str) -> str:
    """The engine a name stands for ("fast" is the default fast engine)."""
    engine = FAST if name == DEFAULT else name
    if engine not in ENGINES:
        raise EngineError(f"unknown validation engine {name!r}; use one of {', '.join(ENGINE_NAMES)}")
    return engine


def run_engine(name: str, data: ValidationData, shapes: Graph) -> list[EngineResult]:
    """Validate ``data`` with engine ``name``; shapes routed to pySHACL for it run there."""
    engine = resolve(name)
    routed = ROUTED_TO_PYSHACL.get(engine, frozenset())
    if not routed:
        return ENGINES[engine](data, shapes)
    everything = node_shapes(shapes)
    own = [shape for shape in everything if shape not in routed]
    results = ENGINES[engine](data, shapes_subset(shapes, own)) if own else []
    return results + pyshacl_engine.validate(data, shapes_subset(shapes, [s for s in everything if s in routed]))


__all__ = ["DEFAULT", "ENGINES", "ENGINE_NAMES", "FAST", "ROUTED_TO_PYSHACL", "EngineError", "EngineResult",
           "ValidationData", "resolve", "run_engine"]
