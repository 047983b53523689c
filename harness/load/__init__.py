"""Load testing: `harness bench` and the production check's throughput item.

Nothing is imported here on purpose: the load children (``harness.load.worker``) patch
the interpreter with gevent and must be the first to import anything that uses sockets,
and the parent must never import gevent or Locust at all. Import the modules you need.
"""
