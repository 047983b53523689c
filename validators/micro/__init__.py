"""Microservices: a gateway (the app) in front of a service of the project's own (a named process).

The checks observe HTTP behaviour and process signals only, so one contract serves every track:
node/week-31 and java/week-25 run them unchanged; advice for one stack goes in ctx.hint.
"""
