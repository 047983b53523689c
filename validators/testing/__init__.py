"""Tests that catch bugs, not only run: the project's own suite judged by what it fails on."""
