"""The `sitegroup` CLI and the consolidated app: the one place that imports every service."""
