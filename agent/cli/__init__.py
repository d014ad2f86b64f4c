"""The ``beian-agent`` command line: one module per subcommand, each exposing ``register(app)``."""

from agent.cli.app import main

__all__ = ["main"]
