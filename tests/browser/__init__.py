"""The browser tests of the built site.

A package, so that its conftest.py is not mistaken for tests/conftest.py.
"""
