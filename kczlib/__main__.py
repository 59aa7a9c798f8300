"""`python -m kczlib ...`: the same as the `kcz` command."""

from kczlib.cli import main

raise SystemExit(main())
