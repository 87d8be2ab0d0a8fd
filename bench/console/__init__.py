"""bench.console — the staff console's pages (工作台) with 10,000 documents in a site, next to the APIs they wrap.

    .venv/bin/python -m bench.console [run] [--data DIR] [--requests 300] [--warmup 30] [--quiet-minutes 20]
                                      [--unpinned] [--json PATH]
    .venv/bin/python -m bench.console prepare [--data DIR] [--documents 10000] [--in-review 200] [--workers 8]

`prepare` serves a fresh data directory (the demo province) and adds documents to 合肥 (hefei) through the
content API until it has 10,000, 200 of them in review; it writes DIR/console.json. `run` (preparing first when
DIR has none) waits for a quiet machine, serves DIR on core 0, signs hefei's editor and 初审 reviewer in through
the real login pages, and times sequential GETs of each console page right before the content API call it
wraps: p50/p99, server CPU per request; the target is p99 < 100 ms per page (exit status 1 when one misses it).
"""

import tempfile
from pathlib import Path

from bench.common import ROOT, Target

DEFAULT_DATA = Path(tempfile.gettempdir()) / "sitegroup-console-bench"
RESULTS = ROOT / "bench" / "results" / "console-pages.json"
MARKER = "console.json"  # written by prepare: what run needs, and the sign that DIR is ours to delete
SITE = "hefei"
API = "/api/v1/content"
DOCS = f"{API}/sites/{SITE}/documents"
WORD = "政务公开"  # in ~9 % of the added titles
TARGET = Target(100, False, "ms p99")
