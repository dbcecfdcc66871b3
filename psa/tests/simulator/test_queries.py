"""List queries over HTTP: conditions, count, orderBy, fields, paging and the Link header."""

from __future__ import annotations

import pytest
from requests.utils import parse_header_links

from psa.simulator.app import SimulatorApp
from psa.simulator.testing import SimClient


@pytest.fixture(scope="module")
def sim():
    return SimClient(SimulatorApp())


def links(resp):
    header = resp.header("Link")
    return {entry["rel"]: entry["url"] for entry in parse_header_links(header)} if header else {}


# --- conditions and count ------------------------------------------------------------------------


def test_conditions_filter_and_count_agrees(sim):
    conditions = 'board/id = 1 AND closedFlag = false AND summary contains "printer"'
    rows = sim.get("/service/tickets", params={"conditions": conditions, "pageSize": 1000}).json
    assert rows
    assert all(
        r["board"]["id"] == 1 and not r["closedFlag"] and "printer" in r["summary"].lower()
        for r in rows
    )
    assert sim.get("/service/tickets/count", params={"conditions": conditions}).json == {
        "count": len(rows)
    }


def test_count_without_conditions_is_everything(sim):
    assert sim.get("/service/tickets/count").json == {"count": 1200}
    assert sim.get("/company/companies/count").json == {"count": 24}


def test_date_entered_is_named_through_info(sim):
    nested = sim.get(
        "/service/tickets/count",
        params={"conditions": "_info/dateEntered > [2026-09-01T00:00:00Z]"},
    )
    assert nested.status == 200
    assert 0 < nested.json["count"] < 1200
    # Bare `dateEntered` is ConnectWise's alias on tickets (long-lived integrations use it).
    bare = sim.get(
        "/service/tickets/count", params={"conditions": "dateEntered > [2026-09-01T00:00:00Z]"}
    )
    assert bare.status == 200 and bare.json == nested.json


def test_bare_last_updated_filters_and_orders_tickets_like_info_last_updated(sim):
    def ids(conditions, order):
        resp = sim.get(
            "/service/tickets",
            params={"conditions": conditions, "orderBy": order, "pageSize": 1000, "fields": "id"},
        )
        assert resp.status == 200, resp.json
        return [row["id"] for row in resp.json]

    since = "[2026-10-01T00:00:00Z]"
    bare = ids(f"lastUpdated >= {since}", "lastUpdated desc, id asc")
    nested = ids(f"_info/lastUpdated >= {since}", "_info/lastUpdated desc, id asc")
    assert bare == nested and 0 < len(bare) < 1000
    assert ids(f"dateEntered < {since}", "dateEntered asc") == ids(
        f"_info/dateEntered < {since}", "_info/dateEntered asc"
    )


def test_bare_dates_keep_the_date_rule_and_stay_ticket_only(sim):
    as_text = sim.get("/service/tickets", params={"conditions": 'lastUpdated > "2026-10-01"'})
    assert as_text.status == 400
    in_fields = sim.get("/service/tickets", params={"fields": "id,dateEntered"})
    assert in_fields.status == 400
    on_companies = sim.get(
        "/company/companies", params={"conditions": "lastUpdated > [2026-01-01T00:00:00Z]"}
    )
    assert on_companies.status == 400


def test_nested_reference_and_null_conditions(sim):
    mine = sim.get(
        "/service/tickets", params={"conditions": 'owner/identifier = "jsmith"', "pageSize": 1000}
    ).json
    assert mine and all(t["owner"]["identifier"] == "jsmith" for t in mine)
    count = "/service/tickets/count"
    unowned = sim.get(count, params={"conditions": "owner/id = null"}).json["count"]
    owned = sim.get(count, params={"conditions": "owner/id != null"}).json["count"]
    assert unowned + owned == 1200 and unowned > 0


def test_resources_exact_member_match_does_not_match_a_prefix(sim):
    conditions = 'resources = "jsmith" OR resources like "jsmith, *" OR resources like "*, jsmith" OR resources like "*, jsmith, *"'
    rows = sim.get("/service/tickets", params={"conditions": conditions, "pageSize": 1000}).json
    assert rows
    assert all("jsmith" in [r.strip() for r in t["resources"].split(",")] for t in rows)


def test_unknown_field_in_conditions_is_400(sim):
    resp = sim.get("/service/tickets", params={"conditions": "nosuchfield = 1"})
    assert resp.status == 400
    body = resp.json
    assert body["code"] == "BadRequest"
    assert "nosuchfield" in body["message"]
    assert body["errors"][0]["field"] == "conditions"
    assert sim.get("/service/tickets/count", params={"conditions": "nosuchfield = 1"}).status == 400


@pytest.mark.parametrize(
    "conditions", ["summary = ", "summary contains printer", "(id = 1", "id = 1 OR OR id = 2"]
)
def test_malformed_conditions_are_400(sim, conditions):
    resp = sim.get("/service/tickets", params={"conditions": conditions})
    assert resp.status == 400
    assert resp.json["message"].startswith("Invalid conditions")


def test_board_statuses_and_types_are_scoped_to_the_board(sim):
    statuses = sim.get("/service/boards/2/statuses", params={"orderBy": "sortOrder asc"}).json
    assert statuses and all(s["board"]["id"] == 2 for s in statuses)
    assert [s["sortOrder"] for s in statuses] == sorted(s["sortOrder"] for s in statuses)
    assert sim.get("/service/boards/2/statuses/count").json == {"count": len(statuses)}
    assert sim.get("/service/boards/2/statuses/108").json["name"] == "New"
    assert sim.get("/service/boards/1/statuses/108").status == 404
    types = sim.get("/service/boards/3/types").json
    assert {t["name"] for t in types} == {"New User", "Offboarding", "New Site"}


def test_ticket_notes_and_configurations(sim):
    notes = sim.get("/service/tickets/1000/notes", params={"orderBy": "id asc"}).json
    assert notes and all(n["ticketId"] == 1000 for n in notes)
    assert sim.get("/service/tickets/1000/notes/count").json == {"count": len(notes)}
    configs = sim.get("/service/tickets/1002/configurations").json
    assert 5062 in [c["id"] for c in configs]


# --- orderBy -------------------------------------------------------------------------------------


def test_order_by_several_keys_with_nested_fields(sim):
    rows = sim.get(
        "/service/tickets",
        params={
            "conditions": "closedFlag = false",
            "orderBy": "priority/sort asc, id desc",
            "pageSize": 1000,
        },
    ).json
    keys = [(r["priority"]["sort"], -r["id"]) for r in rows]
    assert keys == sorted(keys)
    assert len({r["priority"]["sort"] for r in rows}) > 1


def test_order_by_is_case_insensitive_for_strings_and_names(sim):
    rows = sim.get("/company/companies", params={"orderBy": "NAME desc", "pageSize": 100}).json
    names = [r["name"].casefold() for r in rows]
    assert names == sorted(names, reverse=True)


def test_default_order_is_by_id(sim):
    rows = sim.get("/service/tickets", params={"pageSize": 50}).json
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)


@pytest.mark.parametrize("order_by", ["nosuch asc", "id sideways", "id asc desc"])
def test_bad_order_by_is_400(sim, order_by):
    resp = sim.get("/service/tickets", params={"orderBy": order_by})
    assert resp.status == 400
    assert resp.json["errors"][0]["field"] == "orderBy"


# --- fields --------------------------------------------------------------------------------------


def test_fields_projection_with_nested_paths_drops_info(sim):
    rows = sim.get(
        "/service/tickets", params={"fields": "id,summary,board/name", "pageSize": 3}
    ).json
    assert rows == [
        {"id": r["id"], "summary": r["summary"], "board": {"name": r["board"]["name"]}}
        for r in rows
    ]
    assert all("_info" not in r for r in rows)


def test_fields_keeps_info_when_listed(sim):
    row = sim.get("/service/tickets/1000", params={"fields": "id,_info/dateEntered"}).json
    assert row == {"id": 1000, "_info": {"dateEntered": "2026-07-03T19:31:47Z"}}
    whole = sim.get("/service/tickets/1000", params={"fields": "id,_info"}).json
    assert set(whole["_info"]) >= {"dateEntered", "lastUpdated", "enteredBy", "updatedBy"}


def test_without_fields_the_whole_record_comes_back_with_info(sim):
    ticket = sim.get("/service/tickets/1000").json
    assert ticket["_info"]["dateEntered"] == "2026-07-03T19:31:47Z"
    assert ticket["priority"] == {
        "id": 4,
        "name": "Priority 3 - Normal Response",
        "sort": 6,
        "level": "Level3",
    }


# --- navigable paging ----------------------------------------------------------------------------


def test_default_page_size_is_25_and_the_maximum_is_1000(sim):
    assert len(sim.get("/service/tickets").json) == 25
    assert len(sim.get("/service/tickets", params={"pageSize": 5000}).json) == 1000


def test_link_header_on_first_middle_and_last_pages(sim):
    params = {"conditions": "board/id = 1", "orderBy": "id asc", "pageSize": 100}
    total = sim.get("/service/tickets/count", params={"conditions": "board/id = 1"}).json["count"]
    last = -(-total // 100)
    assert last >= 3

    first = sim.get("/service/tickets", params=params)
    rels = links(first)
    assert set(rels) == {"next", "last"}
    assert rels["next"].startswith("http://sim.test/v4_6_release/apis/3.0/service/tickets?")
    assert rels["next"].endswith("page=2") and f"page={last}" in rels["last"]
    assert "conditions=board%2Fid+%3D+1" in rels["next"] and "pageSize=100" in rels["next"]

    middle = sim.get("/service/tickets", params={**params, "page": 2})
    assert set(links(middle)) == {"first", "prev", "next", "last"}
    assert links(middle)["prev"].endswith("page=1")

    final = sim.get("/service/tickets", params={**params, "page": last})
    assert set(links(final)) == {"first", "prev"}
    assert len(final.json) == total - (last - 1) * 100


def test_following_next_links_walks_every_record_once(sim):
    url_params = {"conditions": "closedFlag = false", "pageSize": 50}
    seen, resp = [], sim.get("/service/tickets", params=url_params)
    while True:
        seen.extend(r["id"] for r in resp.json)
        nxt = links(resp).get("next")
        if not nxt:
            break
        resp = sim.get(nxt.split("sim.test", 1)[1].split("?")[0], params=nxt.split("?", 1)[1])
    assert (
        len(seen)
        == len(set(seen))
        == sim.get("/service/tickets/count", params={"conditions": "closedFlag = false"}).json[
            "count"
        ]
    )


def test_a_single_page_has_no_link_header(sim):
    resp = sim.get("/service/priorities")
    assert resp.header("Link") is None
    assert sim.get("/service/tickets", params={"page": "x"}).status == 400


# --- forward-only paging -------------------------------------------------------------------------


def test_forward_only_paging_uses_page_id_and_only_a_next_link(sim):
    headers = {"pagination-type": "forward-only"}
    first = sim.get("/service/tickets", params={"pageSize": 500}, headers=headers)
    assert [r["id"] for r in first.json] == sorted(r["id"] for r in first.json)
    rels = links(first)
    assert set(rels) == {"next"}
    assert rels["next"].endswith(f"pageId={first.json[-1]['id']}")

    ids = [r["id"] for r in first.json]
    resp = first
    while links(resp):
        query = links(resp)["next"].split("?", 1)[1]
        resp = sim.get("/service/tickets", params=query, headers=headers)
        ids.extend(r["id"] for r in resp.json)
    assert len(ids) == len(set(ids)) == 1200


def test_forward_only_page_id_acts_as_id_greater_than(sim):
    rows = sim.get(
        "/service/tickets",
        params={"pageId": 2195, "conditions": "closedFlag = true OR closedFlag = false"},
        headers={"pagination-type": "forward-only"},
    ).json
    assert [r["id"] for r in rows] == [2196, 2197, 2198, 2199]


def test_order_by_date_entered_through_info(sim):
    rows = sim.get(
        "/service/tickets", params={"orderBy": "_info/dateEntered desc", "pageSize": 20}
    ).json
    dates = [r["_info"]["dateEntered"] for r in rows]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == max(
        t["_info"]["dateEntered"]
        for t in sim.get("/service/tickets", params={"pageSize": 1000, "fields": "_info"}).json
        + sim.get("/service/tickets", params={"pageSize": 1000, "page": 2, "fields": "_info"}).json
    )


def test_an_unescaped_bracket_is_400_in_connectwise_shape(sim):
    # Stricter than ConnectWise (unconfirmed): a `[` must be written `[[]` (see conditions.py).
    resp = sim.get("/service/tickets", params={"conditions": 'summary contains "[Datto"'})
    assert resp.status == 400
    body = resp.json
    assert body["code"] == "BadRequest" and "[[]" in body["message"]
    assert body["errors"][0]["field"] == "conditions"
