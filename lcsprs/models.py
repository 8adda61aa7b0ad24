"""Local Child Safeguarding Practice Reviews, tracked to publication: the data. Built by its own issue."""
