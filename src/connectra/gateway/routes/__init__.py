"""The gateway's routers, one module per group of CONTRACT.md §g.3 endpoints."""
