"""The PSAProvider contract: one test suite every provider implementation must pass.

Use it the way allauth's `OAuth2TestsMixin` is used: subclass in a `test_*.py` module and supply
the fixtures below. The mixin's name does not start with `Test`, so pytest only collects it
through a subclass.

    class TestMyProvider(PSAProviderContract):
        @pytest.fixture
        def make_provider(self, my_backend):          # required
            return lambda: MyProvider(my_backend.url)

        @pytest.fixture
        def bad_credentials_provider(self, ...):      # optional (tests skip without it)
            ...

        @pytest.fixture
        def restore_data(self, my_backend):           # optional: undo writes after a test
            yield
            my_backend.reset()

The suite discovers the data it needs through the provider itself (a ticket with a parent,
members whose identifiers are prefixes of each other, ...) and skips a check when the backend's
data cannot exercise it, so it runs against any tenant with realistic data.
"""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from psa.providers.base import (
    HealthStatus,
    PaginatedTicketResult,
    PSAMember,
    PSANotFound,
    PSAProvider,
    PSATicket,
    PSAValidationError,
    ReferenceData,
    TenantMatches,
    TicketCreatePayload,
    TicketFilters,
)

MISSING_ID = 987_654_321


def _identifiers(ticket: PSATicket) -> set[str]:
    return {a.identifier for a in ticket.assignees}


def _all_pages(provider: PSAProvider, filters: TicketFilters) -> list[PSATicket]:
    items: list[PSATicket] = []
    page = 1
    while True:
        result = provider.search_tickets(filters=filters, page=page, page_size=1000)
        items.extend(result.items)
        if len(result.items) < 1000 or len(items) >= result.total:
            return items
        page += 1


def _status_not_of(provider: PSAProvider, ref: ReferenceData, board_id: int) -> int:
    """A status id the board cannot take: another board's status where each board has its own
    (`status_scope` "board"); where one list serves every board ("global"), every board offers
    the same statuses, and only an id outside the list is wrong."""
    own = {s.id for s in ref.statuses_for(board_id)}
    if provider.capabilities.status_scope == "board":
        return next(s.id for s in ref.statuses if s.board_id != board_id and s.id not in own)
    assert all({s.id for s in ref.statuses_for(b.id)} == own for b in ref.boards), (
        "a global status list is the same for every board"
    )
    return max(s.id for s in ref.statuses) + 1000


class PSAProviderContract:
    """Behaviour the services, views and assistant rely on, whatever the PSA."""

    # --- fixtures a subclass provides -----------------------------------------------------------

    @pytest.fixture
    def make_provider(self) -> Callable[[], PSAProvider]:
        raise NotImplementedError("subclasses provide a `make_provider` fixture")

    @pytest.fixture
    def bad_credentials_provider(self) -> Iterator[PSAProvider]:
        pytest.skip("this backend has no way to present bad credentials")
        yield  # pragma: no cover

    @pytest.fixture
    def restore_data(self) -> Iterator[None]:
        yield

    # --- fixtures the suite builds --------------------------------------------------------------

    @pytest.fixture
    def provider(self, make_provider: Callable[[], PSAProvider]) -> Iterator[PSAProvider]:
        p = make_provider()
        yield p
        p.close()

    @pytest.fixture
    def writable(self, provider: PSAProvider, restore_data: None) -> PSAProvider:
        """The provider, for a test that changes data (restored afterwards)."""
        return provider

    @pytest.fixture
    def ref(self, provider: PSAProvider) -> ReferenceData:
        return provider.reference_data()

    @pytest.fixture
    def open_tickets(self, provider: PSAProvider) -> list[PSATicket]:
        return _all_pages(provider, TicketFilters())

    @pytest.fixture
    def every_ticket(self, provider: PSAProvider) -> list[PSATicket]:
        return _all_pages(provider, TicketFilters(include_closed=True))

    # --- search ---------------------------------------------------------------------------------

    def test_search_returns_one_page_and_the_total(self, provider, open_tickets):
        result = provider.search_tickets(filters=TicketFilters(), page=1, page_size=10)
        assert isinstance(result, PaginatedTicketResult)
        assert (result.page, result.page_size) == (1, 10)
        assert result.total == len(open_tickets)
        assert len(result.items) == min(10, result.total)
        assert all(isinstance(t, PSATicket) and not t.closed for t in result.items)

    def test_pages_are_disjoint_and_cover_the_total(self, provider, open_tickets):
        size = max(1, len(open_tickets) // 3)
        seen: list[int] = []
        page = 1
        while True:
            result = provider.search_tickets(filters=TicketFilters(), page=page, page_size=size)
            seen += [t.id for t in result.items]
            if page * size >= result.total:
                break
            assert len(result.items) == size
            page += 1
        assert len(seen) == len(set(seen)) == len(open_tickets)
        beyond = provider.search_tickets(filters=TicketFilters(), page=page + 1, page_size=size)
        assert beyond.items == () and beyond.total == len(open_tickets)

    def test_most_urgent_first_then_newest(self, open_tickets):
        assert len(open_tickets) > 1
        sorts = [t.priority_sort for t in open_tickets]
        assert all(s is not None for s in sorts)
        assert sorts == sorted(s or 0 for s in sorts)
        for a, b in itertools.pairwise(open_tickets):
            if a.priority_sort == b.priority_sort:
                if a.date_entered and b.date_entered and a.date_entered != b.date_entered:
                    assert a.date_entered > b.date_entered
                else:
                    assert a.id > b.id

    @pytest.mark.parametrize("attr", ["board_id", "status_id", "priority_id", "company_id"])
    def test_filter_by_reference(self, provider, open_tickets, attr):
        value = getattr(open_tickets[len(open_tickets) // 2], attr)
        assert value is not None
        filters = TicketFilters(**{attr: value})
        found = _all_pages(provider, filters)
        assert {t.id for t in found} == {t.id for t in open_tickets if getattr(t, attr) == value}

    def test_include_closed(self, provider, open_tickets, every_ticket):
        assert len(every_ticket) > len(open_tickets)
        assert any(t.closed for t in every_ticket)
        result = provider.search_tickets(filters=TicketFilters(include_closed=True), page_size=1)
        assert result.total == len(every_ticket)

    def test_search_text_matches_summaries(self, provider, open_tickets):
        word = max(open_tickets[0].summary.split(), key=len)
        found = _all_pages(provider, TicketFilters(search=word.upper()))
        assert open_tickets[0].id in {t.id for t in found}
        assert all(word.lower() in t.summary.lower() for t in found)

    def test_search_number_also_matches_the_ticket_id(self, provider, every_ticket):
        target = every_ticket[-1]
        for text in (str(target.id), f"#{target.id}"):
            found = _all_pages(provider, TicketFilters(search=text, include_closed=True))
            assert target.id in {t.id for t in found}

    def test_search_text_cannot_escape_its_literal(self, provider, every_ticket):
        hostile = provider.search_tickets(
            filters=TicketFilters(search='" OR id>0 OR summary="', include_closed=True)
        )
        assert hostile.total == 0 and hostile.items == ()
        for text in ("') OR (1=1", "\\", '"', "%", "*", "漢字 🙂"):
            provider.search_tickets(filters=TicketFilters(search=text, include_closed=True))

    def test_search_text_with_a_quote_still_finds_the_words(self, provider, every_ticket):
        # A quote in the search box never costs the words around it. ConnectWise: no quote can
        # be written inside a literal, so a `"` stands for exactly one character at its place
        # (connectwise/conditions.py), here the space. Autotask: a `"` separates words, each of
        # which the title must contain (autotask/ticket_query.py).
        target = next(t for t in every_ticket if len(t.summary.split()) >= 2)
        first, second = target.summary.split()[:2]
        found = _all_pages(provider, TicketFilters(search=f'{first}"{second}', include_closed=True))
        assert target.id in {t.id for t in found}

    # --- assigned ------------------------------------------------------------------------------

    def _prefix_pair(self, members: list[PSAMember], tickets: list[PSATicket]) -> tuple[str, str]:
        idents = {m.identifier for m in members}
        for short in sorted(idents):
            for long in sorted(idents):
                if long != short and long.startswith(short):
                    only_long = [
                        t
                        for t in tickets
                        if long in _identifiers(t) and short not in _identifiers(t)
                    ]
                    if only_long and any(short in _identifiers(t) for t in tickets):
                        return short, long
        pytest.skip("no pair of member identifiers where one is a prefix of the other")

    def test_assigned_me_is_an_exact_member_match(self, provider, ref, every_ticket):
        short, long = self._prefix_pair(list(ref.members), every_ticket)
        for ident in (short, long):
            found = _all_pages(
                provider, TicketFilters(assigned="me", me_identifier=ident, include_closed=True)
            )
            assert {t.id for t in found} == {t.id for t in every_ticket if ident in _identifiers(t)}

    def test_assigned_member_id(self, provider, ref, every_ticket):
        counts = {
            m.id: sum(m.identifier in _identifiers(t) for t in every_ticket) for m in ref.members
        }
        member = next(m for m in ref.members if m.id == max(counts, key=lambda k: counts[k]))
        found = _all_pages(provider, TicketFilters(assigned=member.id, include_closed=True))
        assert {t.id for t in found} == {
            t.id for t in every_ticket if member.identifier in _identifiers(t)
        }

    def test_assigned_unassigned(self, provider, open_tickets):
        found = _all_pages(provider, TicketFilters(assigned="unassigned"))
        assert {t.id for t in found} == {t.id for t in open_tickets if not t.assignees}

    def test_assigned_me_needs_an_identifier(self, provider):
        with pytest.raises(PSAValidationError) as info:
            provider.search_tickets(filters=TicketFilters(assigned="me"))
        assert "assigned" in info.value.fields

    # --- one ticket ----------------------------------------------------------------------------

    def test_get_ticket_agrees_with_the_search_row(self, provider, open_tickets):
        row = open_tickets[0]
        ticket = provider.get_ticket(ticket_id=row.id)
        assert ticket.company_id is not None and ticket.board_id is not None
        for attr in (
            "id",
            "summary",
            "company_id",
            "board_id",
            "status_id",
            "priority_id",
            "closed",
            "assignees",
        ):
            assert getattr(ticket, attr) == getattr(row, attr), attr

    def test_missing_ticket_is_not_found(self, provider):
        for call in (
            lambda: provider.get_ticket(ticket_id=MISSING_ID),
            lambda: provider.get_ticket_context(ticket_id=MISSING_ID),
            lambda: provider.list_resources(ticket_id=MISSING_ID),
        ):
            with pytest.raises(PSANotFound):
                call()

    def test_context_of_a_child_ticket(self, provider, every_ticket):
        child = next((t for t in every_ticket if t.parent_ticket_id), None)
        if child is None:
            pytest.skip("no ticket with a parent")
        ctx = provider.get_ticket_context(ticket_id=child.id)
        assert ctx.ticket.id == child.id
        assert ctx.company is not None and ctx.company.id == child.company_id
        assert any(r.id == child.parent_ticket_id and r.relation == "parent" for r in ctx.related)
        if child.contact_id is not None:
            assert ctx.contact is not None and ctx.contact.id == child.contact_id
            assert ctx.contact.name
        dates = [n.created_at or datetime.min.replace(tzinfo=UTC) for n in ctx.notes]
        assert dates == sorted(dates)
        parent = provider.get_ticket_context(ticket_id=child.parent_ticket_id)
        assert any(r.id == child.id and r.relation == "child" for r in parent.related)

    def test_context_with_a_known_row_matches_and_a_stale_one_is_not_trusted(
        self, provider, every_ticket
    ):
        child = next((t for t in every_ticket if t.parent_ticket_id and t.contact_id), None)
        if child is None:
            pytest.skip("no ticket with a parent and a contact")
        plain = provider.get_ticket_context(ticket_id=child.id)
        hinted = provider.get_ticket_context(ticket_id=child.id, known=child)
        assert hinted == plain

        other = next(t for t in every_ticket if t.contact_id and t.contact_id != child.contact_id)
        stale = dataclasses.replace(child, contact_id=other.contact_id, parent_ticket_id=other.id)
        assert provider.get_ticket_context(ticket_id=child.id, known=stale) == plain

    def test_context_notes_and_configurations(self, provider, open_tickets):
        for row in open_tickets[:60]:
            ctx = provider.get_ticket_context(ticket_id=row.id)
            if ctx.configurations and ctx.notes:
                break
        else:
            pytest.skip("no open ticket with both notes and configurations among the first 60")
        assert all(c.id and c.name for c in ctx.configurations)
        # A ticket names its configurations by reference; the details (every configuration has
        # a type) come from another read (ConnectWise's /company/configurations, Autotask's
        # configurationItemType picklist).
        assert all(c.type_name for c in ctx.configurations)
        assert all(
            n.ticket_id == row.id
            and n.type in ("discussion", "internal", "resolution")
            and n.author_name
            for n in ctx.notes
        )

    def test_context_shows_time_entries_as_such(self, provider, open_tickets):
        for row in open_tickets[:60]:
            ctx = provider.get_ticket_context(ticket_id=row.id)
            entries = [n for n in ctx.notes if n.kind == "time_entry"]
            if entries:
                break
        else:
            pytest.skip("no open ticket with a time entry among the first 60")
        assert all(n.kind in ("note", "time_entry") for n in ctx.notes)
        assert any(n.kind == "note" for n in ctx.notes)
        for entry in entries:
            assert entry.ticket_id == row.id and entry.author_name and entry.text
            if entry.time_start and entry.time_end:
                assert entry.time_start <= entry.time_end
        stamps = [n.created_at for n in ctx.notes if n.created_at]
        assert stamps == sorted(stamps)

    # --- resources -----------------------------------------------------------------------------

    def test_resources_add_list_remove(self, writable, ref, open_tickets):
        ticket = open_tickets[0]
        member = next(
            m for m in ref.members if not m.inactive and m.identifier not in _identifiers(ticket)
        )
        before = writable.list_resources(ticket_id=ticket.id)
        assert {r.member_identifier for r in before} == _identifiers(ticket)

        added = writable.add_resource(ticket_id=ticket.id, member_id=member.id)
        assert (added.member_id, added.member_identifier) == (member.id, member.identifier)
        again = writable.add_resource(ticket_id=ticket.id, member_id=member.id)
        assert again.member_id == member.id
        listed = writable.list_resources(ticket_id=ticket.id)
        assert [r.member_id for r in listed].count(member.id) == 1
        assert member.identifier in _identifiers(writable.get_ticket(ticket_id=ticket.id))
        found = _all_pages(writable, TicketFilters(assigned=member.id))
        assert ticket.id in {t.id for t in found}

        writable.remove_resource(ticket_id=ticket.id, member_id=member.id)
        assert member.id not in {r.member_id for r in writable.list_resources(ticket_id=ticket.id)}
        assert member.identifier not in _identifiers(writable.get_ticket(ticket_id=ticket.id))
        with pytest.raises(PSANotFound):
            writable.remove_resource(ticket_id=ticket.id, member_id=member.id)

    # --- create --------------------------------------------------------------------------------

    def test_create_applies_defaults_and_keeps_the_description(self, writable, ref):
        board = ref.boards[0]
        company = ref.companies[0]
        summary = f"Contract test {uuid.uuid4().hex[:8]} – café ✓"
        created = writable.create_ticket(
            payload=TicketCreatePayload(
                summary=summary,
                company_id=company.id,
                board_id=board.id,
                description="First line.\nSecond line — ünïcode.",
            )
        )
        assert (created.summary, created.company_id, created.board_id) == (
            summary,
            company.id,
            board.id,
        )
        default_status = next(s for s in ref.statuses_for(board.id) if s.default)
        default_priority = next(p for p in ref.priorities if p.default)
        assert (created.status_id, created.priority_id) == (default_status.id, default_priority.id)
        assert not created.closed and created.assignees == ()
        ctx = writable.get_ticket_context(ticket_id=created.id)
        assert ctx.notes[0].text == "First line.\nSecond line — ünïcode."
        found = writable.search_tickets(filters=TicketFilters(search=summary))
        assert [t.id for t in found.items] == [created.id]

    def test_create_with_status_priority_contact_and_assignee(self, writable, ref, open_tickets):
        row = next(t for t in open_tickets if t.contact_id is not None)
        board_id = row.board_id
        assert board_id is not None
        status = next(s for s in ref.statuses_for(board_id) if not s.default and not s.closed)
        priority = next(p for p in ref.priorities if not p.default)
        member = next(m for m in ref.members if not m.inactive)
        created = writable.create_ticket(
            payload=TicketCreatePayload(
                summary="Spin-off: printer jam",
                company_id=row.company_id or 0,
                board_id=board_id,
                status_id=status.id,
                priority_id=priority.id,
                contact_id=row.contact_id,
                assigned_member_id=member.id,
            )
        )
        assert (created.status_id, created.priority_id, created.contact_id) == (
            status.id,
            priority.id,
            row.contact_id,
        )
        assert _identifiers(created) == {member.identifier}
        assert [r.member_id for r in writable.list_resources(ticket_id=created.id)] == [member.id]

    def test_create_rejects_invalid_references_per_field(self, writable, ref):
        board = ref.boards[0]
        wrong_status = _status_not_of(writable, ref, board.id)
        with pytest.raises(PSAValidationError) as info:
            writable.create_ticket(
                payload=TicketCreatePayload(summary="x", company_id=MISSING_ID, board_id=board.id)
            )
        assert "company_id" in info.value.fields
        with pytest.raises(PSAValidationError) as info:
            writable.create_ticket(
                payload=TicketCreatePayload(
                    summary="x",
                    company_id=ref.companies[0].id,
                    board_id=board.id,
                    status_id=wrong_status,
                )
            )
        assert "status_id" in info.value.fields
        # Longer than any PSA takes (ConnectWise 100 characters, Autotask 255).
        with pytest.raises(PSAValidationError) as info:
            writable.create_ticket(
                payload=TicketCreatePayload(
                    summary="x" * 256, company_id=ref.companies[0].id, board_id=board.id
                )
            )
        assert "summary" in info.value.fields

    # --- status --------------------------------------------------------------------------------

    def test_update_status_within_the_board_and_closing(self, writable, ref, open_tickets):
        ticket = open_tickets[0]
        assert ticket.board_id is not None
        statuses = ref.statuses_for(ticket.board_id)
        target = next(s for s in statuses if not s.closed and s.id != ticket.status_id)
        moved = writable.update_status(ticket_id=ticket.id, status_id=target.id)
        assert (moved.id, moved.status_id, moved.closed) == (ticket.id, target.id, False)

        closed = next(s for s in statuses if s.closed)
        done = writable.update_status(ticket_id=ticket.id, status_id=closed.id)
        assert (done.status_id, done.closed) == (closed.id, True)
        assert writable.get_ticket(ticket_id=ticket.id).closed
        open_ids = {t.id for t in _all_pages(writable, TicketFilters())}
        assert ticket.id not in open_ids

    def test_status_from_another_board_is_a_status_id_error(self, writable, ref, open_tickets):
        ticket = open_tickets[0]
        assert ticket.board_id is not None
        with pytest.raises(PSAValidationError) as info:
            writable.update_status(
                ticket_id=ticket.id, status_id=_status_not_of(writable, ref, ticket.board_id)
            )
        assert info.value.fields.get("status_id")
        assert writable.get_ticket(ticket_id=ticket.id).status_id == ticket.status_id

    def test_update_status_of_a_missing_ticket(self, writable, ref):
        with pytest.raises(PSANotFound):
            writable.update_status(ticket_id=MISSING_ID, status_id=ref.statuses[0].id)

    # --- notes ---------------------------------------------------------------------------------

    @pytest.mark.parametrize("note_type", ["discussion", "internal", "resolution"])
    def test_add_note_of_each_type_with_member(self, writable, ref, open_tickets, note_type):
        ticket = open_tickets[0]
        member = next(m for m in ref.members if not m.inactive)
        text = f"{note_type} note – naïve ✓ {uuid.uuid4().hex[:6]}"
        note = writable.add_note(
            ticket_id=ticket.id, text=text, note_type=note_type, member_id=member.id
        )
        kinds = writable.capabilities.note_kinds
        if note_type in kinds:
            assert (note.ticket_id, note.text, note.type) == (ticket.id, text, note_type)
        else:
            # A kind the PSA cannot store (the services never offer it: capabilities.note_kinds)
            # is still kept, as a note the whole team sees, with the text intact.
            assert note.ticket_id == ticket.id and text in note.text
            assert note.type in kinds and note.type != "internal"
        assert note.author_identifier == member.identifier
        assert note.author_name == member.name
        notes = writable.get_ticket_context(ticket_id=ticket.id).notes
        assert notes[-1].id == note.id and notes[-1].type == note.type

    def test_add_note_to_a_missing_ticket(self, writable):
        with pytest.raises(PSANotFound):
            writable.add_note(ticket_id=MISSING_ID, text="x", note_type="discussion")

    # --- reference data ------------------------------------------------------------------------

    def test_reference_data(self, provider, ref):
        assert ref.boards and all(not b.inactive for b in ref.boards)
        for board in ref.boards:
            statuses = ref.statuses_for(board.id)
            assert statuses == tuple(provider.list_statuses(board_id=board.id))
            assert sum(s.default for s in statuses) == 1
            assert any(s.closed for s in statuses)
        assert tuple(provider.list_all_statuses()) == ref.statuses
        sorts = [p.sort for p in ref.priorities]
        assert sorts == sorted(sorts) and sum(p.default for p in ref.priorities) == 1
        identifiers = [m.identifier for m in ref.members]
        assert len(identifiers) == len(set(identifiers)) and all(identifiers)
        assert all(m.name for m in ref.members)
        # A member (ConnectWise) or resource (Autotask) has no `name`: it is the first and last
        # name joined.
        named = [m for m in ref.members if m.first_name and m.last_name]
        assert named and all(m.name == f"{m.first_name} {m.last_name}" for m in named)
        assert ref.companies and tuple(provider.list_companies()) == ref.companies
        # Assignments made through schedule entries need their type (ConnectWise's "S",
        # checked in test_connectwise_contract.py); a PSA without them has None.
        if ref.schedule_type is not None:
            assert ref.schedule_type.id and ref.schedule_type.identifier

    def test_capabilities_agree_with_the_reference_data(self, provider, ref):
        caps = provider.capabilities
        assert caps.name and caps.product_name and caps.board_label and caps.member_label
        assert caps.note_kinds and set(caps.note_kinds) <= {"discussion", "internal", "resolution"}
        per_board = {b.id: {s.id for s in ref.statuses_for(b.id)} for b in ref.boards}
        assert all(per_board.values())
        if caps.status_scope == "global":
            # One list, repeated under every board.
            assert len({frozenset(ids) for ids in per_board.values()}) == 1
        else:
            # Each status belongs to one board.
            assert sum(len(ids) for ids in per_board.values()) == len(
                set().union(*per_board.values())
            )

    def test_list_statuses_of_a_missing_board(self, provider):
        with pytest.raises(PSANotFound):
            provider.list_statuses(board_id=MISSING_ID)

    def test_search_companies(self, provider, ref):
        company = ref.companies[-1]
        fragment = company.name[1:5]
        assert company.id in {c.id for c in provider.search_companies(query=fragment, limit=50)}
        assert company.id in {
            c.id for c in provider.search_companies(query=company.identifier.lower(), limit=50)
        }
        assert provider.search_companies(query='" OR name="', limit=5) == []
        assert len(provider.search_companies(query="", limit=3)) == min(3, len(ref.companies))

    def test_contacts_of_a_company(self, provider, open_tickets):
        row = next(t for t in open_tickets if t.contact_id is not None)
        contacts = provider.list_contacts(company_id=row.company_id)
        assert row.contact_id in {c.id for c in contacts}
        assert all(c.company_id == row.company_id and c.name for c in contacts)

    # --- Quick Create's tenant lookups (one request each, exact names, user text stays text) ---

    @pytest.fixture
    def known_configuration(self, provider, open_tickets):
        for row in open_tickets[:60]:
            configs = provider.get_ticket_context(ticket_id=row.id).configurations
            if configs:
                return row, configs[0]
        pytest.skip("no open ticket with a configuration among the first 60")

    def test_contacts_search_by_full_name_and_first_name(self, provider, open_tickets):
        row = next(t for t in open_tickets if t.contact_id is not None)
        contact = next(
            c for c in provider.list_contacts(company_id=row.company_id) if c.id == row.contact_id
        )
        found = provider.contacts_search(names=[contact.name.upper(), "Nobody Atall"])
        assert contact.id in {c.id for c in found}
        assert all(c.name.casefold() == contact.name.casefold() for c in found)
        assert all(c.company_id for c in found)
        by_first = provider.contacts_search(names=[contact.first_name])
        assert contact.id in {c.id for c in by_first}
        assert {c.first_name.casefold() for c in by_first} == {contact.first_name.casefold()}

    @pytest.mark.parametrize(
        "text", ['" OR firstName="', "*", "%", "_", "[a-z]%", "% %", 'Ann" OR id>0 OR lastName="']
    )
    def test_contacts_search_text_is_never_a_pattern(self, provider, text):
        assert provider.contacts_search(names=[text]) == []

    def test_configurations_search_by_name_any_case(self, provider, known_configuration):
        row, config = known_configuration
        found = provider.configurations_search(names=[config.name.lower(), "NO-SUCH-DEVICE99"])
        assert [c.id for c in found] == [config.id]
        assert found[0].company_id == row.company_id and found[0].type_name

    def test_configurations_search_text_is_never_a_pattern(self, provider, known_configuration):
        _, config = known_configuration
        wildcarded = config.name[:-1] + "_"
        assert (
            provider.configurations_search(names=[wildcarded, "*", "%", '" OR id>0 OR name="'])
            == []
        )

    def test_tenant_search_answers_both_lookups(self, provider, open_tickets, known_configuration):
        row = next(t for t in open_tickets if t.contact_id is not None)
        contact = next(
            c for c in provider.list_contacts(company_id=row.company_id) if c.id == row.contact_id
        )
        _, config = known_configuration
        found = provider.tenant_search(
            contact_names=[contact.name], configuration_names=[config.name]
        )
        assert contact.id in {c.id for c in found.contacts}
        assert [c.id for c in found.configurations] == [config.id]
        assert provider.tenant_search(contact_names=[], configuration_names=[]) == TenantMatches()

    def test_create_attaches_configurations(self, writable, ref, known_configuration):
        row, config = known_configuration
        created = writable.create_ticket(
            payload=TicketCreatePayload(
                summary="Quick Create: device attached",
                company_id=row.company_id or 0,
                board_id=row.board_id or ref.boards[0].id,
                configuration_ids=(config.id,),
            )
        )
        ctx = writable.get_ticket_context(ticket_id=created.id)
        assert [c.id for c in ctx.configurations] == [config.id]

    def test_create_with_an_unknown_configuration_creates_nothing(
        self, writable, ref, known_configuration
    ):
        row, config = known_configuration
        summary = "Contract: unknown device refused"
        with pytest.raises(PSAValidationError) as info:
            writable.create_ticket(
                payload=TicketCreatePayload(
                    summary=summary,
                    company_id=row.company_id or 0,
                    board_id=row.board_id or ref.boards[0].id,
                    configuration_ids=(config.id, MISSING_ID),
                )
            )
        assert f"#{MISSING_ID}" in info.value.fields["configuration_ids"][0]
        found = writable.search_tickets(
            filters=TicketFilters(search=summary, include_closed=True), page=1, page_size=5
        )
        assert found.total == 0

    def test_find_open_tickets(self, provider, open_tickets):
        company_id = open_tickets[0].company_id
        found = provider.find_open_tickets(company_id=company_id)
        assert {t.id for t in found} == {t.id for t in open_tickets if t.company_id == company_id}

    def test_find_recent_tickets_newest_first_within_the_window(self, provider, every_ticket):
        dated = [t for t in every_ticket if t.date_entered and t.company_id is not None]
        if not dated:
            pytest.skip("no ticket with an entry date")

        # Newest by entry date: a PSA's ids need not ascend with it (Autotask imports and
        # workflow-created tickets can carry an older date than lower ids).
        def newest(t: PSATicket) -> tuple[datetime, int]:
            return (t.date_entered or datetime.min.replace(tzinfo=UTC), t.id)

        company_id = max(dated, key=newest).company_id
        of_company = sorted((t for t in dated if t.company_id == company_id), key=newest)[::-1]
        since = of_company[min(2, len(of_company) - 1)].date_entered
        found = provider.find_recent_tickets(company_id=company_id, board_id=None, since=since)
        assert [t.id for t in found] == [t.id for t in sorted(found, key=newest, reverse=True)]
        assert all(t.company_id == company_id and t.date_entered >= since for t in found)
        assert {t.id for t in found} >= {t.id for t in of_company if t.date_entered >= since}

    # --- health --------------------------------------------------------------------------------

    def test_health_check_ok(self, provider):
        health = provider.health_check()
        assert isinstance(health, HealthStatus)
        assert health.ok is True and health.message

    def test_health_check_with_bad_credentials_reports_instead_of_raising(
        self, bad_credentials_provider
    ):
        health = bad_credentials_provider.health_check()
        assert health.ok is False
        assert health.message
