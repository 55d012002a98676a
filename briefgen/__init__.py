"""briefgen: human-rights briefings from YAML to PDF and HTML, in several languages."""

from pathlib import Path

__version__ = "0.1.0"

#: Jinja templates, stylesheets, the tool's catalogs, the email and `new` skeletons.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
