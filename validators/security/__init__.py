"""Security checks: tokens, passwords, authorization, CORS, headers, injection, rate limits.

The rules, probes and their sources are in the project's security reference
(JWT attacks, hash formats, CORS probes, libfaketime); each module says which rows it covers.
"""
