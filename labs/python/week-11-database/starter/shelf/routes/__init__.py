"""The /v1 resources, one router each."""
