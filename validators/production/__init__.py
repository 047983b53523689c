"""The Backend Developer capstone: the production-readiness checklist, item by item."""
