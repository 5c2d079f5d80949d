"""Business services. Each is the single source of truth for its concern."""
