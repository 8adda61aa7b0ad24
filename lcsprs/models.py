"""Local Child Safeguarding Practice Reviews, tracked to publication.

The data; built by its own issue.
"""
