"""The console's use cases: signing in and out, sessions, the calls to the platform's APIs, saved views."""
