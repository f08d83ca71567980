"""The YAML content library: loading with line numbers, validation, domain objects."""
