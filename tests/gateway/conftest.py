from tests.sandbox.browser import browser, page  # noqa: F401 - browser fixtures for the web chat test
