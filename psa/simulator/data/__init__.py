"""Tenant data files and the generators that build them."""
