"""Rapid reviews by safeguarding partnerships.

The data; built by its own issue.
"""
