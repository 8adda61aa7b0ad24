"""Rapid reviews by safeguarding partnerships: the data. Built by its own issue."""
