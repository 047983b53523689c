"""rest.openapi.*: the app's served OpenAPI document, and the app answering as it says, a check a file."""
