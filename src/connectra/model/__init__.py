"""Entities, their field catalogue, normalisation rules and UUID5 identity."""
