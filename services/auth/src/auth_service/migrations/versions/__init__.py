"""Revisions of the auth schema."""
