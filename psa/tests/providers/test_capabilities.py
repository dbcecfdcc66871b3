"""Both real providers say where their PSA differs, as data, and what they say is true of the
PSA they talk to (checked against each simulator's reference data, not against a fake)."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from psa.providers.autotask.provider import AutotaskProvider
from psa.providers.base import NoteType, PSACapabilities, PSAProvider
from psa.providers.connectwise.client import ConnectWiseConfig
from psa.providers.connectwise.provider import ConnectWiseProvider
from psa.tests.providers.at_samples import lakeside_provider


def _connectwise(cw_sim: Any) -> ConnectWiseProvider:
    return ConnectWiseProvider(
        ConnectWiseConfig(
            site_url=cw_sim.root_url,
            company_id="baysideit",
            public_key="rfdemo-public",
            private_key="rfdemo-private",
            client_id="resolutionflow-tests",
        )
    )


@pytest.mark.parametrize("cls", [ConnectWiseProvider, AutotaskProvider])
def test_every_real_provider_declares_its_capabilities_on_the_class(cls):
    caps = cls.capabilities
    assert isinstance(caps, PSACapabilities)
    assert caps.name and caps.product_name.startswith(caps.name)
    assert caps.board_label and caps.member_label
    assert caps.note_kinds and set(caps.note_kinds) <= set(get_args(NoteType))
    assert caps.status_scope in ("board", "global") and caps.paging in ("numbered", "cursor")


def test_capabilities_are_part_of_the_interface():
    assert "capabilities" in PSAProvider.__abstractmethods__


def test_connectwise_statuses_are_per_board_as_its_capabilities_say(cw_sim):
    provider = _connectwise(cw_sim)
    caps = provider.capabilities
    assert (caps.name, caps.board_label, caps.status_scope) == ("ConnectWise", "Board", "board")
    assert caps.note_kinds == ("discussion", "internal", "resolution")
    data = provider.reference_data()
    per_board = {b.id: {s.name for s in data.statuses_for(b.id)} for b in data.boards}
    assert len({frozenset(v) for v in per_board.values()}) > 1  # boards differ


def test_autotask_statuses_are_one_global_list_as_its_capabilities_say(at_sim):
    provider = lakeside_provider(at_sim)
    caps = provider.capabilities
    assert (caps.name, caps.board_label, caps.status_scope) == ("Autotask", "Queue", "global")
    assert (caps.paging, caps.server_sort, caps.assignee_needs_role) == ("cursor", False, True)
    assert "resolution" not in caps.note_kinds
    data = provider.reference_data()
    per_queue = {b.id: tuple(s.id for s in data.statuses_for(b.id)) for b in data.boards}
    assert len(set(per_queue.values())) == 1  # every queue has the same statuses
