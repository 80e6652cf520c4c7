"""The Flask web app (filled in by the web foundation)."""
