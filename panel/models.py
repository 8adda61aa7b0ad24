"""Panel decisions and response letters: the data. Built by its own issue."""
