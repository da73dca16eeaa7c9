"""``python -m declutter``: the ``declutter`` command, for when the script is not on PATH (a venv not
activated, Windows' Scripts folder, ``pipx run``-less environments)."""
import sys

from .cli import main

sys.exit(main())
