"""The channels' fixtures (a migrated SQLite salon, the real runner) for the hardening tests."""

from tests.channels.conftest import db, runner

__all__ = ["db", "runner"]
