"""The web pages: server-rendered, escaped, no remote assets."""
