"""Serious Incident Notifications (SINs) from local authorities.

The data; built by its own issue.
"""
