"""Human-facing views of the store: terminal pages now, situation reports later."""
