"""Helpers shared by tests (not part of kczlib)."""
