"""Find anything by name: codes, titles, payers and their aliases, policies, clinical concepts and
anatomy with their synonyms, ranked with rapidfuzz; and the "did you mean" of every refusal."""

from .cache import search_index
from .index import SearchEntry, SearchHit, SearchIndex, build_index
from .match import suggest

__all__ = ["SearchEntry", "SearchHit", "SearchIndex", "build_index", "search_index", "suggest"]
