"""Security checks: tokens, passwords, authorization, CORS, headers, injection, rate limits.

Each module names the sources of its rules (RFCs, the OWASP ASVS, Cheat Sheets and Web
Security Testing Guide) and the probes it sends.
"""
