"""Serious Incident Notifications (SINs) from local authorities."""
