"""A faithful ConnectWise Manage REST API 3.0 simulator (WSGI app, tenants, faults, server).

Entry points: :class:`psa.simulator.app.SimulatorApp` (the WSGI app; its routes in `psa.simulator.routes`),
:func:`psa.simulator.server.start_background` (a threaded HTTP server for tests, e2e and
benchmarks), ``python manage.py cwsim`` (the command), and
:mod:`psa.simulator.conditions` (the conditions parser). None of it needs Django.
"""
