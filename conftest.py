"""Root of the test tree: the session fixtures every service's tests share."""

import os

# Tests start hundreds of search services: each would spawn its analysis worker. They analyse in-process;
# services/search/tests/test_analysis_pool.py runs the workers.
os.environ.setdefault("SEARCH_ANALYSIS_WORKERS", "0")

pytest_plugins = ["shared.pytest_fixtures"]
