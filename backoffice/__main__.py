from backoffice.cli.main import main

raise SystemExit(main())
