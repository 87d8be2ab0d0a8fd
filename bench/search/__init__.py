"""Relevance test collection for the search engines: the demo documents (``corpus``), labelled queries
(``queries.json``), graded judgements computed from them (``judge``) and the measures (``metrics``)."""
