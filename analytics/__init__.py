"""The annual figures: statistics engine and exports."""
