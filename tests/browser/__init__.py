"""Browser, accessibility and HTML-validity tests (issue 5); marked ``browser``."""
