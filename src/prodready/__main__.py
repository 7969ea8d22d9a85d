"""``python -m prodready`` runs the command line."""

from prodready.cli import main

main()
