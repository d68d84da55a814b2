"""``python -m connectra`` runs the CLI."""

from connectra.cli import main

main()
