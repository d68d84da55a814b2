"""Connectra: B2B contact and company data — VQL search, counts, filters, writes and CSV jobs."""

__version__ = "0.1.0"
