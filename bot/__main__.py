"""`python -m bot` is the same as the `coopbot` command."""

from bot.cli import main

raise SystemExit(main())
