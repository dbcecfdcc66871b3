"""The entry point: a dispatcher's prompt -> pre-filled ticket fields (nothing is created).

1. Extract (Anthropic when configured, else offline): routing words, a summary, and the people and
   devices the prompt names.
2. Look those names up in the tenant in ONE wave (`lookup`: contacts and configurations in
   parallel); the Anthropic path does its lookups as tools and only names it did not already look
   up go out here, still as one wave.
3. Resolve everything against the reference data and what the tenant answered (`resolver`).
4. Duplicates among the company's open tickets (`open_tickets`).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence

from psa.providers.base import (
    PSACapabilities,
    PSAError,
    PSAMember,
    PSATicket,
    ReferenceData,
    TenantMatches,
)
from resolutionflow.ai import AIError, configured

from . import offline
from .anthropic_engine import AnthropicExtractor, ModelRun, TenantLookup
from .duplicates import find_duplicates
from .limits import MAX_PROMPT_CHARS
from .normalize import compact
from .resolver import resolve
from .types import DuplicateCandidate, Extraction, ParseMeta, ParseResult

log = logging.getLogger(__name__)

AI_UNAVAILABLE = "AI service unavailable; used the offline parser"
LOOKUP_FAILED = "Could not look up contacts and devices in {psa}"


def _lookup_once(
    lookup: TenantLookup | None,
    extraction: Extraction,
    run: ModelRun | None,
    warnings: list[str],
    psa: PSACapabilities | None,
) -> tuple[TenantMatches, int]:
    """What the tenant has for the extraction's names: one wave at most (0 when nothing is new)."""
    known = run.found if run else TenantMatches()
    if lookup is None:
        return known, 0
    contacts = [
        n for n in extraction.contact_names if not run or compact(n) not in run.searched_contacts
    ]
    devices = [
        n for n in extraction.device_names if not run or compact(n) not in run.searched_devices
    ]
    if not contacts and not devices:
        return known, 0
    try:
        found = lookup(contacts, devices)
    except PSAError as exc:
        where = LOOKUP_FAILED.format(psa=psa.name if psa else "the PSA")
        warnings.append(f"{where}: {exc.message}")
        return known, 1
    return (
        TenantMatches(
            contacts=(*known.contacts, *found.contacts),
            configurations=(*known.configurations, *found.configurations),
        ),
        1,
    )


def _with_email(model: Extraction, offline_found: Extraction, prompt: str) -> Extraction:
    """The model's reading of an email plus what its headers say (read, not guessed): the
    sender, the signature's name and company, and the whole email as the description. The
    resolver then checks every one of them against the tenant, as for the model's own names."""
    if not (
        offline_found.sender_name
        or offline_found.sender_address
        or offline_found.signature_company_text
    ):
        return model
    return dataclasses.replace(
        model,
        description=prompt,
        sender_name=offline_found.sender_name,
        sender_address=offline_found.sender_address,
        signature_company_text=offline_found.signature_company_text,
        contact_names=tuple(dict.fromkeys([*offline_found.contact_names, *model.contact_names])),
    )


def parse_ticket_prompt(
    *,
    prompt: str,
    reference: ReferenceData,
    me: PSAMember | None,
    open_tickets: Callable[[int], Sequence[PSATicket]] | None = None,
    lookup: TenantLookup | None = None,
    context_company_id: int | None = None,
    use_llm: bool | None = None,
    engine: AnthropicExtractor | None = None,
    psa: PSACapabilities | None = None,
) -> ParseResult:
    """Parse a quick-create prompt into ids from `reference` and the tenant; never raises for bad
    input, outages or a failing model.

    lookup(contact_names, device_names): the tenant's contacts and configurations for those
    names, as one wave (`PSAProvider.tenant_search`); a PSAError only adds a warning.
    context_company_id: the company of a linked ticket (a spin-off from ResolutionAssist), the
    default when the prompt names none.
    use_llm: None = Anthropic when settings.ANTHROPIC_API_KEY is set (or an `engine` is given);
    True/False force it on/off. An `AIError` falls back to the offline parser with a warning.
    `open_tickets(company_id)` feeds duplicate detection; a PSAError from it only adds a warning.
    psa: the connected PSA's capabilities, so warnings name it and its people ("resource").
    """
    started = time.perf_counter()
    # The modal's paste reaches here unchecked (the API refuses more): read what the API would.
    prompt = (prompt or "").strip()[:MAX_PROMPT_CHARS]
    warnings: list[str] = []
    if not prompt:
        result = resolve(
            Extraction(), reference, me, context_company_id=context_company_id, psa=psa
        )
        return dataclasses.replace(result, warnings=("The prompt is empty", *result.warnings))

    if use_llm is None:
        use_llm = engine is not None or configured()

    run: ModelRun | None = None
    if use_llm:
        try:
            context = next(
                (c.name for c in reference.companies if c.id == context_company_id), None
            )
            run = (engine or AnthropicExtractor.from_settings()).run(
                prompt, reference, lookup=lookup, context_company=context
            )
        except AIError as exc:  # timeouts, HTTP errors, malformed tool output, missing key
            log.warning("AI parse failed, falling back to the offline parser: %r", exc)
            warnings.append(AI_UNAVAILABLE)
    offline_extraction = offline.extract(prompt, reference, context_company_id=context_company_id)
    if run is None:
        extraction = offline_extraction
    else:
        extraction = _with_email(run.extraction, offline_extraction, prompt)
        if not extraction.summary:
            extraction = dataclasses.replace(
                extraction,
                summary=offline_extraction.summary,
                description=extraction.description or offline_extraction.description,
            )

    tenant, waves = _lookup_once(lookup, extraction, run, warnings, psa)
    result = resolve(
        extraction,
        reference,
        me,
        tenant=tenant,
        context_company_id=context_company_id,
        prompt=prompt,
        psa=psa,
    )

    duplicates: tuple[DuplicateCandidate, ...] = ()
    if open_tickets is not None and result.company_id is not None and result.summary:
        try:
            duplicates = find_duplicates(result.summary, open_tickets(result.company_id))
        except PSAError as exc:
            warnings.append(f"Could not check for duplicate tickets: {exc.message}")
        except Exception:  # a nicety: a bug in it must not cost the engineer the whole parse
            log.exception("duplicate lookup failed")
            warnings.append("Could not check for duplicate tickets")

    usage = run.usage if run else None
    meta = ParseMeta(
        engine=result.engine,
        model=usage.model if usage else "",
        latency_ms=round((time.perf_counter() - started) * 1000),
        input_tokens=usage.input_tokens if usage else 0,
        output_tokens=usage.output_tokens if usage else 0,
        model_calls=usage.calls if usage else 0,
        tool_calls=run.tool_calls if run else 0,
        psa_waves=waves + (run.psa_waves if run else 0),
    )
    log.info(
        "quick create parse: engine=%s model=%s latency_ms=%d tokens_in=%d tokens_out=%d "
        "model_calls=%d tool_calls=%d psa_waves=%d",
        meta.engine,
        meta.model or "-",
        meta.latency_ms,
        meta.input_tokens,
        meta.output_tokens,
        meta.model_calls,
        meta.tool_calls,
        meta.psa_waves,
    )
    return dataclasses.replace(
        result,
        warnings=tuple(dict.fromkeys([*warnings, *result.warnings])),
        possible_duplicates=duplicates,
        meta=meta,
    )
