"""The entry point: a dispatcher's prompt -> pre-filled ticket fields (nothing is created)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from psa.providers.base import PSAError, PSAMember, PSATicket, ReferenceData

from . import offline
from .duplicates import find_duplicates
from .resolver import resolve
from .types import DuplicateCandidate, Extraction, ParseResult

log = logging.getLogger(__name__)

AI_UNAVAILABLE = "AI service unavailable; used the offline parser"


def setting(name: str, default: Any = None) -> Any:
    """A Django setting, or `default` when it is unset or settings are not configured at all."""
    try:
        from django.conf import settings

        return getattr(settings, name, default)
    except Exception:  # ImproperlyConfigured outside a configured project
        return default


class Extractor(Protocol):
    """What an extraction engine provides (`AnthropicExtractor` is the real one)."""

    def extract(self, prompt: str, reference: ReferenceData) -> Extraction: ...


def parse_ticket_prompt(
    *,
    prompt: str,
    reference: ReferenceData,
    me: PSAMember | None,
    open_tickets: Callable[[int], Sequence[PSATicket]] | None = None,
    use_llm: bool | None = None,
    engine: Extractor | None = None,
) -> ParseResult:
    """Parse a quick-create prompt into ids from `reference`; never raises for bad input or outages.

    use_llm: None = use Anthropic when settings.ANTHROPIC_API_KEY is set (or an `engine` is given);
    True/False force it on/off. Any failure of the AI path falls back to the offline parser with a
    warning. `open_tickets(company_id)` feeds duplicate detection; a PSAError from it only adds a
    warning.
    """
    prompt = (prompt or "").strip()
    warnings: list[str] = []
    if not prompt:
        result = resolve(Extraction(), reference, me)
        return dataclasses.replace(result, warnings=("The prompt is empty", *result.warnings))

    if use_llm is None:
        use_llm = engine is not None or bool(setting("ANTHROPIC_API_KEY"))

    extraction: Extraction | None = None
    if use_llm:
        try:
            if engine is None:
                from .anthropic_engine import AnthropicExtractor

                extraction = AnthropicExtractor.from_settings().extract(prompt, reference)
            else:
                extraction = engine.extract(prompt, reference)
        except Exception as exc:  # timeouts, HTTP errors, malformed tool output, missing key
            log.warning("AI parse failed, falling back to the offline parser: %r", exc)
            warnings.append(AI_UNAVAILABLE)
            extraction = None
    if extraction is None:
        extraction = offline.extract(prompt, reference)
    elif not extraction.summary:
        fallback = offline.extract(prompt, reference)
        extraction = dataclasses.replace(
            extraction,
            summary=fallback.summary,
            description=extraction.description or fallback.description,
        )

    result = resolve(extraction, reference, me)

    duplicates: tuple[DuplicateCandidate, ...] = ()
    if open_tickets is not None and result.company_id is not None and result.summary:
        try:
            duplicates = find_duplicates(result.summary, open_tickets(result.company_id))
        except PSAError as exc:
            warnings.append(f"Could not check for duplicate tickets: {exc.message}")
        except Exception:
            log.exception("duplicate lookup failed")
            warnings.append("Could not check for duplicate tickets")

    return dataclasses.replace(
        result,
        warnings=tuple(dict.fromkeys([*warnings, *result.warnings])),
        possible_duplicates=duplicates,
    )
