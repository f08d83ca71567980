"""`python -m bot` runs the `legalbot` command line."""

from bot.cli import main

raise SystemExit(main())
