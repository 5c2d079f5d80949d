"""Agents: the supervisor routes a task to a tool and reports progress over the user's WebSocket."""
