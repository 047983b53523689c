"""Web fundamentals on a plain server: HTTP/1.1 semantics, keep-alive, TLS, HTTP/2, WebSocket."""
