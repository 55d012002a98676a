"""Load and validate: a brief's files read safely (``safefile``, ``yamlfile``), bounded
(``limits``), typed (``model``) and checked with positions (``validate``, ``content``), its inline
Markdown scanned (``markup``)."""
