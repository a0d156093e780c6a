"""Integrations with other engines: `cleaner.integrations.datatrove` (needs `cleaner[datatrove]`)."""
