"""briefgen: human-rights briefings from YAML to PDF and HTML, in several languages."""

from pathlib import Path

__version__ = "0.1.0"

_PACKAGE_DIR = Path(__file__).resolve().parent

#: Jinja templates, stylesheets, the tool's catalogs, the email, `new` and `init` skeletons:
#: inside the installed package (a wheel carries them as briefgen/templates/), else the
#: source tree's top-level templates/ (a checkout, an editable install).
TEMPLATES_DIR = (_PACKAGE_DIR / "templates" if (_PACKAGE_DIR / "templates").is_dir()
                 else _PACKAGE_DIR.parent / "templates")
