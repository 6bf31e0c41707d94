"""sitroom: a situation room for crises and armed conflicts."""

__version__ = "0.1.0"
