"""`python -m ssot_migrate` runs the CLI."""

from .cli import main

main()
