"""``python -m symderiv``: the command line."""

from .cli import main

main()
