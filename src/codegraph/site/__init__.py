"""A static, self-contained site of the graph: an index of codes, a page per code with its facts,
coverage, gaps, a neighbourhood diagram and the source text with each fact's evidence marked, the
coverage matrix and the validation report.

``data.py`` runs the site's queries (``queries/site/``) into dataclasses, ``excerpts.py`` rebuilds
a document's text from its evidence spans, ``diagram.py`` draws the neighbourhood as SVG,
``render.py`` fills the Jinja2 templates, ``write.py`` swaps the finished folder in, and
``build.py`` runs them in that order.
"""

from ..errors import SiteOutputError
from .build import SiteSummary, build_site
from .write import check_output

__all__ = ["SiteOutputError", "SiteSummary", "build_site", "check_output"]
