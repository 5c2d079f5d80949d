"""The repositories under tests/fixtures are data the tests copy and run tools on, not tests of this project."""

collect_ignore = ["fixtures"]
