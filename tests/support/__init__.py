"""Fakes, builders and servers the tests share (python-telegram-bot keeps its own in tests/auxil/)."""
