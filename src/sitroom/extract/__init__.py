"""Per-document extraction: one module per kind of fact, registered in document.py."""
