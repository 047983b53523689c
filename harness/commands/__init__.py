"""One module per subcommand: its arguments and its handler."""
