"""Reading legacy pages: bytes to text without mojibake, and an article's facts, text and links, or a list's
entries (services.transition.extract.page.extract_page is the whole of it)."""

from services.transition.extract.content import SiteRules, TextToGuess
from services.transition.extract.decoding import Decoded, UndecodablePage, decode_page
from services.transition.extract.page import ExtractedPage, extract_page

__all__ = ["Decoded", "ExtractedPage", "SiteRules", "TextToGuess", "UndecodablePage", "decode_page", "extract_page"]
