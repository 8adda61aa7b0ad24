"""The annual figures: statistics engine and exports: the data. Built by its own issue."""
