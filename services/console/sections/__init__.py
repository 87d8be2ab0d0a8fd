"""The console's sections, one package each (see services.console.registry)."""
