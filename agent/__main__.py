"""``python -m agent`` runs the ``beian-agent`` command line."""

from agent.cli import main

main()
