"""bench.search_speed — the search service's speed: index rate and size, query latency and QPS over HTTP, freshness.

    .venv/bin/python -m bench.search_speed run --docs 100000 [--engines embedded,elasticsearch] [--json PATH]

N documents are generated from the seed texts (`corpus`: 100 synthetic sites, the demo corpus' articles
recombined) and fed as the content service's `DocumentPublished` events on the search service's memory bus,
in-process, timed until the indexer has drained (`indexing`). Then `sitegroup serve search` runs on the built
SQLite database and index (pinned to core 0, consumers off) and a raw HTTP load generator on core 1 asks
two-word queries, group and site scope, one connection at a time and at saturation (`querying`). Last, the
in-process service publishes one document at a time and polls the API until it is listed (`freshness`).
"""

import tempfile
from pathlib import Path

from bench.common import Target

DEFAULT_DATA = Path(tempfile.gettempdir()) / "sitegroup-search-speed"
ES_URL = "http://127.0.0.1:19250"
ENGINES = ("embedded", "elasticsearch")
TARGETS = {
    "p99": Target(20, False, "ms p99"),  # embedded, 1M documents, two-word queries with snippets and facets
    "qps": Target(500, True, "queries/s"),  # on one core
    "index": Target(2000, True, "docs/s"),
    "fresh": Target(1000, False, "ms p99"),  # consolidated
    "fresh_kafka": Target(3000, False, "ms p99"),  # through Kafka
}
