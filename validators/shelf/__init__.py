"""The Shelf domain: building test data through the API every Shelf lab shares."""
