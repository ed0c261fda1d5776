"""The browser tests of the built site.

Named `web` so that pytest reaches them after the unit tests (CI runs a second Python's unit
tests beside the first ones); a package, so that its conftest.py is not mistaken for
tests/conftest.py.
"""
