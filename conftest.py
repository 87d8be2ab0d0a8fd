"""Root of the test tree: the session fixtures every service's tests share."""

pytest_plugins = ["shared.pytest_fixtures"]
