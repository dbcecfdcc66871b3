"""Autotask simulator: the query language (13 operators, groups, udf, IncludeFields, MaxRecords),
GET ``query?search=`` and POST ``query``, ``query/count``, and every refusal as ``{"errors"}``/500."""

from __future__ import annotations

import json

import pytest

from psa.simulator.autotask.testing import EVERYTHING, AtClient


@pytest.fixture(scope="module")
def sim():
    return AtClient()


@pytest.fixture(scope="module")
def tickets(sim):
    return [t for t in sim.app.tenant.records("Tickets")]


def ids(sim, entity, filters, **extra):
    resp = sim.query(entity, {"filter": filters, **extra})
    assert resp.status == 200, resp.json
    return [r["id"] for r in resp.json["items"]]


def only(*conditions):
    # Narrow every query to the first 300 tickets so one page holds all matches.
    return [{"op": "lte", "field": "id", "value": 7300}, *conditions]


def expect(tickets, predicate):
    return [t["id"] for t in tickets if t["id"] <= 7300 and predicate(t)]


@pytest.mark.parametrize(
    ("condition", "predicate"),
    [
        ({"op": "eq", "field": "status", "value": 5}, lambda t: t["status"] == 5),
        ({"op": "noteq", "field": "status", "value": 5}, lambda t: t["status"] != 5),
        ({"op": "gt", "field": "priority", "value": 2}, lambda t: t["priority"] > 2),
        ({"op": "gte", "field": "priority", "value": 2}, lambda t: t["priority"] >= 2),
        ({"op": "lt", "field": "priority", "value": 2}, lambda t: t["priority"] < 2),
        ({"op": "lte", "field": "priority", "value": 2}, lambda t: t["priority"] <= 2),
        ({"op": "beginsWith", "field": "title", "value": "vpn"},
         lambda t: t["title"].lower().startswith("vpn")),
        ({"op": "endsWith", "field": "title", "value": "LOGIN"},
         lambda t: t["title"].lower().endswith("login")),
        ({"op": "contains", "field": "title", "value": "printer"},
         lambda t: "printer" in t["title"].lower()),
        ({"op": "exist", "field": "assignedResourceID"},
         lambda t: t["assignedResourceID"] is not None),
        ({"op": "notExist", "field": "contactID"}, lambda t: t["contactID"] is None),
        ({"op": "in", "field": "queueID", "value": [29682833, 29683483]},
         lambda t: t["queueID"] in (29682833, 29683483)),
        ({"op": "notIn", "field": "queueID", "value": [29682833, 29683483]},
         lambda t: t["queueID"] not in (29682833, 29683483)),
        ({"op": "gt", "field": "createDate", "value": "2026-11-01T00:00:00Z"},
         lambda t: t["createDate"] > "2026-11-01T00:00:00"),
    ],
)  # fmt: skip
def test_each_operator_matches_what_it_says(sim, tickets, condition, predicate):
    expected = expect(tickets, predicate)
    assert expected, "the demo data has matches for every operator"
    assert ids(sim, "Tickets", only(condition)) == expected


def test_null_fields_match_neither_noteq_nor_not_in(sim, tickets):
    def other_contact(t):
        return t["contactID"] is not None and t["contactID"] != 30010

    noteq = {"op": "noteq", "field": "contactID", "value": 30010}
    not_in = {"op": "notIn", "field": "contactID", "value": [30010]}
    assert ids(sim, "Tickets", only(noteq)) == expect(tickets, other_contact)
    assert ids(sim, "Tickets", only(not_in)) == expect(tickets, other_contact)
    with_nulls = {"op": "or", "items": [noteq, {"op": "notExist", "field": "contactID"}]}
    assert ids(sim, "Tickets", only(with_nulls)) == expect(
        tickets, lambda t: t["contactID"] != 30010
    )


def test_top_level_items_are_anded_and_groups_nest(sim, tickets):
    group = {
        "op": "or",
        "items": [
            {"op": "eq", "field": "priority", "value": 4},
            {"op": "and", "items": [
                {"op": "eq", "field": "priority", "value": 1},
                {"op": "eq", "field": "status", "value": 1},
            ]},
        ],
    }  # fmt: skip
    expected = expect(
        tickets, lambda t: t["priority"] == 4 or (t["priority"], t["status"]) == (1, 1)
    )
    assert expected and ids(sim, "Tickets", only(group)) == expected


def test_a_user_defined_field_is_queried_with_udf_true(sim, tickets):
    def site_visit(t):
        return t["userDefinedFields"][0]["value"] == "Yes"

    condition = {"op": "eq", "field": "Site Visit Required", "value": "Yes", "udf": True}
    assert ids(sim, "Tickets", only(condition)) == expect(tickets, site_visit)


def test_include_fields_answers_only_those_fields(sim):
    resp = sim.query(
        "Tickets", {"filter": EVERYTHING, "MaxRecords": 2, "IncludeFields": ["id", "title"]}
    )
    assert [set(item) for item in resp.json["items"]] == [{"id", "title"}] * 2


def test_without_include_fields_every_field_of_the_entity_is_answered(sim):
    item = sim.query("Tickets", {"filter": EVERYTHING, "MaxRecords": 1}).json["items"][0]
    assert {"id", "title", "status", "problemTicketId", "rmaStatus", "userDefinedFields"} <= set(
        item
    )
    assert item["rmaStatus"] is None


def test_get_query_with_search_answers_like_post_query(sim):
    search = {"filter": only({"op": "eq", "field": "status", "value": 1}), "MaxRecords": 50}
    by_get = sim.get("Tickets/query", params={"search": json.dumps(search)})
    assert by_get.status == 200
    assert by_get.json["items"] == sim.query("Tickets", search).json["items"]


def test_query_count_counts_every_match_not_a_page(sim, tickets):
    search = {"filter": [{"op": "noteq", "field": "status", "value": 5}], "MaxRecords": 10}
    resp = sim.post("Tickets/query/count", search)
    assert resp.json == {"queryCount": sum(1 for t in tickets if t["status"] != 5)}
    by_get = sim.get("Tickets/query/count", params={"search": json.dumps(search)})
    assert by_get.json == resp.json


def test_the_search_keys_may_be_written_as_autotasks_examples_do(sim):
    resp = sim.query("Tickets", {"Filter": EVERYTHING, "maxRecords": 3, "includeFields": ["id"]})
    assert resp.status == 200 and len(resp.json["items"]) == 3


@pytest.mark.parametrize(
    "search",
    [
        {},
        {"filter": []},
        {"MaxRecords": 10},
        {"filter": EVERYTHING, "MaxRecords": 501},
        {"filter": EVERYTHING, "MaxRecords": 0},
        {"filter": EVERYTHING, "MaxRecords": "10"},
        {"filter": EVERYTHING, "IncludeFields": ["nope"]},
        {"filter": EVERYTHING, "orderBy": "id"},
        {"filter": [{"op": "eq", "field": "nope", "value": 1}]},
        {"filter": [{"op": "eq", "field": "Status", "value": 1}]},
        {"filter": [{"op": "like", "field": "title", "value": "x"}]},
        {"filter": [{"op": "contains", "field": "description", "value": "x"}]},
        {"filter": [{"op": "eq", "field": "userDefinedFields", "value": "x"}]},
        {"filter": [{"op": "eq", "field": "status", "value": "1"}]},
        {"filter": [{"op": "eq", "field": "status", "value": True}]},
        {"filter": [{"op": "eq", "field": "serviceLevelAgreementHasBeenMet", "value": "true"}]},
        {"filter": [{"op": "gt", "field": "createDate", "value": "yesterday"}]},
        {"filter": [{"op": "gt", "field": "createDate", "value": "2026-11-01T09:00:00+05:00"}]},
        {"filter": [{"op": "eq", "field": "status"}]},
        {"filter": [{"op": "exist", "field": "status", "value": 1}]},
        {"filter": [{"op": "in", "field": "status", "value": []}]},
        {"filter": [{"op": "in", "field": "status", "value": 1}]},
        {"filter": [{"op": "contains", "field": "status", "value": 1}]},
        {"filter": [{"op": "gt", "field": "serviceLevelAgreementHasBeenMet", "value": True}]},
        {"filter": [{"op": "or", "items": []}]},
        {"filter": [{"op": "eq", "field": "status", "value": 1, "extra": 1}]},
        {"filter": [{"op": "eq", "field": "Nope", "value": "Yes", "udf": True}]},
        {"filter": [{"op": "eq", "field": "status", "value": 1, "udf": "yes"}]},
        {"filter": [{"op": "eq", "field": "id", "value": n} for n in range(501)]},
        {"filter": [{"op": "in", "field": "id", "value": list(range(501))}]},
    ],
)
def test_refused_searches_are_500_with_errors(sim, search):
    resp = sim.query("Tickets", search)
    assert resp.status == 500
    assert isinstance(resp.json["errors"], list) and resp.json["errors"]


def test_five_hundred_conditions_are_allowed(sim):
    assert (
        sim.query(
            "Tickets", {"filter": [{"op": "in", "field": "id", "value": list(range(500))}]}
        ).status
        == 200
    )
    conditions = [{"op": "eq", "field": "id", "value": n} for n in range(500)]
    assert sim.query("Tickets", {"filter": [{"op": "or", "items": conditions}]}).status == 200


def test_only_one_user_defined_field_per_query(sim):
    sim.app.tenant.data["udfs"]["Tickets"].append({"name": "Billable", "type": "string"})
    try:
        search = {"filter": [
            {"op": "eq", "field": "Site Visit Required", "value": "Yes", "udf": True},
            {"op": "eq", "field": "Billable", "value": "Yes", "udf": True},
        ]}  # fmt: skip
        assert sim.query("Tickets", search).status == 500
    finally:
        sim.app.tenant.data["udfs"]["Tickets"].pop()


def test_a_get_query_without_search_or_with_bad_json_is_refused(sim):
    assert sim.get("Tickets/query").status == 500
    assert sim.get("Tickets/query", params={"search": "{nope"}).status == 500


def test_every_served_entity_answers_queries(sim):
    for entity in ("TicketNotes", "TicketSecondaryResources", "TicketAdditionalConfigurationItems",
                   "Companies", "CompanyLocations", "Contacts", "ConfigurationItems", "Resources",
                   "ResourceRoleQueues", "ResourceServiceDeskRoles", "Roles"):  # fmt: skip
        resp = sim.query(entity, {"filter": EVERYTHING, "MaxRecords": 1})
        assert resp.status == 200 and len(resp.json["items"]) == 1, entity
