"""Reading what the user gives: claim maps (YAML, schema, located nodes) and the files an
audit discovers."""
