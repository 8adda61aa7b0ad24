"""Panel decisions and response letters."""
