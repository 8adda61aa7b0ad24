"""Rapid reviews by safeguarding partnerships."""
