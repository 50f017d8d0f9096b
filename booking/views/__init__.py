"""The public booking pages, one module per family of pages (booking/urls.py routes them)."""
