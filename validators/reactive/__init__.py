"""Streaming checks (java/week-28, WebFlux): the app streams the harness's record feed
(harness/runner/feed.py) to a client the harness controls, and the checks watch both ends."""
