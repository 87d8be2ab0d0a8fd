"""The legacy county site of bench.migration, as uvicorn serves it (`uvicorn bench.legacy_server:app`): its size
from LEGACY_ARTICLES. Its pages are made from their number, so a 100,000-page site costs no disk."""

from __future__ import annotations

import os

from services.transition.tests.legacy_site import legacy_site

app, visits = legacy_site(int(os.environ.get("LEGACY_ARTICLES", "100000")))
