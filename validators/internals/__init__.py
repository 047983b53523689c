"""node/week-05: Node.js internals, a streaming log aggregator and a server that hashes off its event loop."""
