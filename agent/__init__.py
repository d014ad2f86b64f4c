"""beian-agent: validate deep synthesis filing bundles and file them in the CAC algorithm filing portal."""

__version__ = "0.1.0"
