"""Local Child Safeguarding Practice Reviews, tracked to publication."""
