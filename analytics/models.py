"""The annual figures: statistics engine and exports.

The data; built by its own issue.
"""
