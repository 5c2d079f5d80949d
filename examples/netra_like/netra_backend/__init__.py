"""Netra backend: an async chat-and-agents service (the ssot-migrate example)."""
