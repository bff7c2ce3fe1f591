"""Read-only JSON API under /api/, described by an OpenAPI 3 schema at /api/schema/."""
