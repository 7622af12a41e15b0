"""Where records come from. Each source answers lookups with model records."""
