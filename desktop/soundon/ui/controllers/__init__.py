"""Coordinators between the library, the players and the views (no drawing here)."""
