"""Checks of a web framework's middleware chain (node/week-11): errors, body and upload limits,
compression, static caching, request ids, CORS and security headers, over the lab's small API."""
