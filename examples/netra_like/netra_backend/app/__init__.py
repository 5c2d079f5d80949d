"""The application package: routes, the WebSocket core, services, agents and resilience."""
