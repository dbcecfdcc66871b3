"""A strict Autotask PSA REST API v1.0 simulator (``python manage.py atsim``)."""
