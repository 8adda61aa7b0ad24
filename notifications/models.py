"""Serious Incident Notifications (SINs) from local authorities: the data. Built by its own issue."""
