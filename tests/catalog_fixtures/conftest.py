"""The fixtures are projects for the catalog recipes to migrate, not tests of ssot-migrate."""

collect_ignore_glob = ["*"]
