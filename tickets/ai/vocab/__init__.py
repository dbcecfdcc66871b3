"""One module per dispatcher vocabulary: priority, board, status, member, company, contact and
configuration. Each turns words as written into records of the account (or None and a reason);
`tickets.ai.resolver` runs them in order."""
