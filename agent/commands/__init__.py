"""One module per ``beian-agent`` subcommand; each exposes ``register(app)``."""
