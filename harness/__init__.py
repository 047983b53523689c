"""harness: hands-on backend labs, validated against real databases."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

# In a source checkout `validators/` sits beside this package; in an installed wheel it is
# force-included as `harness/validators`. Adding the checkout root to the package path
# makes `harness.validators` resolve the same way in both, without a top-level
# `validators` import name (that name belongs to another project on PyPI).
_checkout_root = Path(__file__).resolve().parent.parent
if (_checkout_root / "validators" / "__init__.py").is_file() and not (
    Path(__file__).resolve().parent / "validators"
).is_dir():
    __path__.append(str(_checkout_root))
