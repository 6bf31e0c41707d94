"""Exports: one module per output family, each a view of the store."""
