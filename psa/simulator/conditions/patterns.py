"""How a string operand matches: ConnectWise's patterns read as SQL Server ``LIKE``.

String patterns: what ConnectWise documents, and what we chose where it is silent
---------------------------------------------------------------------------------
Sources, as found with the search tools (stored copies of public pages):

* ConnectWise, "PSA API Requests" (developer.connectwise.com, last updated 2023-03-31; copy at
  gitea.resolutionflow.com/chihlasm/resolutionflow docs/connectwise/best-practices/): a malformed
  request is "400 Bad Request ... The client SHOULD NOT repeat the request without
  modifications". The copy reachable here is cut before its conditions section, so its words on
  strings are not quoted. The error body ``{"code", "message", "errors"}`` is from DESIGN.md.
* ConnectWise documentation, as recorded in our DESIGN.md: "a literal ``[`` in a parameter is
  written ``[[]`` and ``*`` is a wildcard".
* Infrascale, "ConnectWise Manage: Expression rules for matching" (docs.infrascale.com, third
  party): operators ``= != < <= > >= contains like in not``; ``like`` "requires use of ``%``
  (any character)" before, after or on both sides of the text.
* Rewst, "Querying and filtering in ConnectWise PSA actions" (third party): the same operators,
  strings in double quotes, nested fields with ``/``.
* Microsoft Learn, ODBC "LIKE predicate escape character": in LIKE, ``%`` matches zero or more
  characters and ``_`` any one; SQL Server's native form for a literal one is a bracket set,
  ``LIKE '[%]AAA%'``. Microsoft's "LIKE (Transact-SQL)" (from memory, not fetched here):
  ``[abc]``/``[a-f]`` is one character of a set or range, ``[^abc]`` one not in it, and ``[``
  itself is matched as ``[[]`` -- exactly ConnectWise's documented escape, which is why strings
  are read here as SQL Server LIKE patterns.

The rules this simulator applies to a string operand of ``=``, ``!=``, ``in``, ``not in``,
``like``, ``not like``, ``contains`` and ``not contains`` (``<``/``>`` compare plain text):

1. ``*`` matches any run of characters. Source: ConnectWise (DESIGN.md).
2. ``%`` matches any run of characters, ``_`` exactly one. Source: SQL Server LIKE, which
   ``like``/``contains`` map to (Infrascale shows ``%`` in ``like``). That ``=``/``in`` strings are
   patterns too is *stricter than ConnectWise: unconfirmed* -- the documented ``[[]``/``*`` rules
   are stated for "a parameter", not per operator; reading every string as a pattern means a
   client that forgets to escape ``_`` in an ``=`` over-matches here and is caught by tests.
3. ``[...]`` is one character of a set: ``[[]`` is a literal ``[`` (source: ConnectWise);
   ``[%]``, ``[_]``, ``[*]``, ``[\\]`` are literal ``%``, ``_``, ``*``, backslash; ``[^...]``
   negates and ``a-z`` is a range (source: SQL Server LIKE). That ConnectWise keeps a bracketed
   ``*`` as ``*`` (rather than rewriting it to ``%`` first) is *unconfirmed*.
4. A ``[`` with no ``]`` after it, an empty ``[]``, a negated empty ``[^]`` or a backwards range
   ``[z-a]`` is a 400 (*stricter than ConnectWise: unconfirmed*; what SQL Server or ConnectWise,
   whose dates are also bracketed, make of such a bracket is nothing to rely on).
5. ``]`` outside brackets is an ordinary character (source: SQL Server LIKE, from memory).
6. ``contains "p"`` is ``like "%p%"``; ``like`` and ``=`` match the whole value.
7. No escape sequence inside a literal: a string ends at the first closing quote of the kind
   that opened it (ConnectWise documents none, so a client must never rely on one), and a
   backslash is an ordinary character -- so a client cannot write ``"`` inside ``"..."``.
8. Matching ignores case (SQL Server's default collations; Python's ``re.IGNORECASE``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from psa.simulator.conditions.tree import ConditionError

# Operators whose string operand is a pattern (see the rules above).
PATTERN_OPERATORS = frozenset(
    {"=", "!=", "in", "not in", "like", "not like", "contains", "not contains"}
)


def _bracket_class(content: str) -> str:
    """A regex class for the inside of a ``[...]`` (rule 3), or ConditionError (rule 4)."""
    negated = content.startswith("^")
    body = content[1:] if negated else content
    if not body:
        raise ConditionError(f"Empty character set [{content}]")
    pieces, i = [], 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low > high:
                raise ConditionError(f"Backwards range [{low}-{high}]")
            pieces.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
        else:
            pieces.append(re.escape(body[i]))
            i += 1
    return "[" + ("^" if negated else "") + "".join(pieces) + "]"


@lru_cache(maxsize=1024)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regex for a ConnectWise string pattern (rules 1-5), matched with ``fullmatch``."""
    parts, i, n = [], 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch in "*%":
            parts.append(".*")
        elif ch == "_":
            parts.append(".")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ConditionError(
                    f"Unclosed '[' at offset {i} of {pattern!r}: write a literal '[' as '[[]'"
                )
            parts.append(_bracket_class(pattern[i + 1 : end]))
            i = end
        else:
            parts.append(re.escape(ch))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def matches(op: str, text: str, pattern: str) -> bool:
    regex = pattern_regex(pattern)
    if op.endswith("contains"):
        # ``contains "p"`` is ``like "%p%"`` (rule 6): the pattern anywhere in the text.
        return regex.search(text) is not None
    return regex.fullmatch(text) is not None
