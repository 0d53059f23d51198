"""The `soundon` verbs, one module each. A module has `register(subparsers, common)` and `run(args)`;
`run` returns the exit status and raises UserError for anything the editor must fix."""
