"""Editions: localize (``translations``, ``pocatalog``, ``xliff``, ``addlang``, ``i18n``,
``languages``), resolve (``resolve``, ``audience``), render (``render``, ``typeset``,
``hyphenation``), lay out and write (``pdf``, ``weasyfix``, ``workers``, ``fonts``,
``editioncheck``, ``leaks``, ``output``), through the one ``door``; ``fingerprint`` and ``build``
drive a build, ``changes`` compares editions, ``serve`` previews them."""
