"""The limits every ticket surface (page, API, outbox) checks input against, defined once."""

from __future__ import annotations

# PSA record ids are 32-bit signed integers (and so is the audit log's ticket column).
MAX_ID = 2**31 - 1
# The longest ticket summary any supported PSA holds: what a form or the API takes at all. The
# connected PSA's own (`PSACapabilities.summary_max`, 100 or 255 characters) is checked before a
# create and shown in the New Ticket counter.
SUMMARY_MAX = 255
# The longest search text the list sends; a provider caps at the same length
# (`MAX_SEARCH_LENGTH`), so a longer search is said instead of silently cut.
SEARCH_MAX = 200
