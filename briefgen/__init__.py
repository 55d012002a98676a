"""briefgen: human-rights briefings from YAML to PDF and HTML, in several languages."""

__version__ = "0.1.0"
