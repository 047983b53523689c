"""REST API validators: status codes, errors, pagination, versioning, the contract."""
