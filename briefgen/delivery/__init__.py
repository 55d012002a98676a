"""Delivery: recipients (``recipients``, ``sheets``), the cover email (``mail``, ``cover``,
``headers``), SMTP settings and transactions (``mailconfig``, ``smtp``), the ledger (``ledger``,
``ledger_sqlite``, ``ledger_pg``, ``sentindex``) and the send itself (``send``, ``campaign``)."""
