"""Panel decisions and response letters.

The data; built by its own issue.
"""
