"""Chinese text analysis in our own code: the same tokens for the embedded index and Elasticsearch."""

from services.search.analysis.segment import Analyzer, Lexicon
from services.search.analysis.snippets import snippet

__all__ = ["Analyzer", "Lexicon", "snippet"]
