"""The command line: options, settings and commands. Wiring only: it builds the library's
parts and hands them to each other."""
