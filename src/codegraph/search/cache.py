"""The search index of an embedded store, kept beside its data so a search takes milliseconds.

Building the index walks the whole graph (10-30 s on a 10,000-page store here); reading it back
takes about 0.1 s. The file (``codegraph-search-index.json`` in the store's folder; RocksDB leaves
files it does not know alone) carries a stamp: where the store's data stands
(``OxigraphStore.data_version``, after a flush, so a write made in this process counts too), the
name tables it was built with, and the codegraph version. Any write to the store moves that (a
compaction does not), so a stale index is never used: the next search builds it again. Where the
folder cannot be written, the index is built for each search.
"""

from __future__ import annotations

import json

from ..errors import OutputError
from ..resources import vocab_dir
from ..store import GraphStore, derived
from .index import SearchIndex, build_index

CACHE_FILE = "codegraph-search-index.json"
FORMAT = 2
NAME_TABLES = ("payer-aliases.csv", "clinical-lexicon.csv", "anatomy.csv")


def _stamp(data_files: str) -> str:
    return derived.stamp(data_files, FORMAT, files=[vocab_dir() / name for name in NAME_TABLES])


def search_index(store: GraphStore) -> SearchIndex:
    """The store's search index: read from beside an embedded store when it is current, else built
    (and kept there for the next search). Other stores build it each time."""
    version = store.data_version()
    if version is None:
        return build_index(store)
    folder, data_files = version
    stamp = _stamp(data_files)
    cache = folder / CACHE_FILE
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("stamp") == stamp:
            return SearchIndex.from_json(data["index"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, unreadable or from another version: build it
    index = build_index(store)
    from ..files import write_atomically

    try:
        write_atomically(cache, json.dumps({"stamp": stamp, "index": index.to_json(normalised=True)}, ensure_ascii=False).encode("utf-8"))
    except OutputError:
        pass  # a read-only folder: search still works, it just builds the index each time
    return index
