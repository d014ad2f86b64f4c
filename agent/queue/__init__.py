"""Bundles filed from a queue in PostgreSQL by workers on any number of machines (``beian-agent queue``)."""
