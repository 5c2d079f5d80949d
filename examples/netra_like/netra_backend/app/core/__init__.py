"""Cross-cutting infrastructure: resilience."""
