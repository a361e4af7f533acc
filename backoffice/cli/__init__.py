"""The ``backoffice`` command: no argument opens the application; subcommands for the
database, the demo, and the nightly or batch jobs of each area."""
