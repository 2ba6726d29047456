"""Hand-edited lexicons: reading and validating them (load), finding their terms (match)."""

from framing.lexicon.load import Entry, Lexicon, load_lexicons
from framing.lexicon.match import Match, Matcher

__all__ = ["Entry", "Lexicon", "Match", "Matcher", "load_lexicons"]
