"""The console's routes: signing in and out, the dashboard, the static files; the sections bring the rest."""
