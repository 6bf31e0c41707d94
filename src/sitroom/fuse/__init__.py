"""Across sources: independence of sources, incidents, figure series, grading, comparison."""
