from kczlib.cli import main

raise SystemExit(main())
