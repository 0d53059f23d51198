from soundon.cli import main

raise SystemExit(main())
