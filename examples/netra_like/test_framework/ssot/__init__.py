"""The SSOT test framework: every test builds on these."""
