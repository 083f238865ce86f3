"""Rendered reports (HTML with embedded charts). Pure Python plus matplotlib's SVG backend:
no Qt, no GUI backend; safe in a worker thread or the command line."""
