"""``make bench``: how fast the agent files against the mock portal, next to a minimal direct script."""
