"""atomic_write: a file replaced all at once, or not at all."""


# Add the types (LAB.md): mypy --strict must pass on this package.
def atomic_write(path, mode="w", *, encoding="utf-8"):
    raise NotImplementedError("atomic_write: see LAB.md")
