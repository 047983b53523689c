"""Streaming checks (java/week-28, WebFlux): the app streams the harness's record feed
(harness/services/feed.py) to a client the harness controls, and the checks watch both ends."""
