"""`harness grade`: instructors' batch grading; the command lives in harness/grading/command.py."""

from __future__ import annotations

from harness.grading.command import add_parser

__all__ = ["add_parser"]
