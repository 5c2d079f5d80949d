"""Shared test infrastructure (SSOT for base test cases, fakes and factories)."""
