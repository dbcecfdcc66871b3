"""The limits every ticket surface (page, API, outbox) checks input against, defined once."""

from __future__ import annotations

# PSA record ids are 32-bit signed integers (and so is the audit log's ticket column).
MAX_ID = 2**31 - 1
# The shortest ticket summary a supported PSA holds: 100 characters.
SUMMARY_MAX = 100
# The longest search text the list sends; a provider caps at the same length
# (`MAX_SEARCH_LENGTH`), so a longer search is said instead of silently cut.
SEARCH_MAX = 200
