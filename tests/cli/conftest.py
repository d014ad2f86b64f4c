from __future__ import annotations

import pytest
import typer

from agent.cli import init, validate


@pytest.fixture
def bundle_app() -> typer.Typer:
    """The two commands under test on their own app, as ``agent.cli.app`` registers them."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    validate.register(app)
    init.register(app)
    return app
