"""Authentication, tenants, routing and the shapes of ConnectWise's error answers."""

from __future__ import annotations

import pytest

from psa.simulator.app import SimulatorApp
from psa.simulator.testing import SimClient, basic_auth


@pytest.fixture(scope="module")
def app():
    return SimulatorApp()


@pytest.fixture
def sim(app):
    return SimClient(app)


def test_companyinfo_needs_no_credentials_and_names_the_codebase(sim):
    resp = sim.get("/login/companyinfo/baysideit", authorization=None, client_id=None)
    assert resp.status == 200
    info = resp.json
    assert info["CompanyID"] == "baysideit"
    assert info["Codebase"] == "v4_6_release/"
    assert info["CompanyName"] == "Bayside IT Solutions"
    assert info["VersionCode"] == "v2025.8"
    assert (
        sim.get("/login/companyinfo/NorthShore", authorization=None).json["CompanyID"]
        == "northshore"
    )


def test_companyinfo_for_an_unknown_company_is_404(sim):
    resp = sim.get("/login/companyinfo/nosuchco", authorization=None)
    assert resp.status == 404
    assert resp.json["code"] == "NotFound"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer abc",
        "Basic not-base64!!",
        basic_auth("baysideit", "rfdemo-public", "wrong"),
        basic_auth("baysideit", "nsdemo-public", "nsdemo-private"),  # another tenant's keys
        basic_auth("nosuchco", "rfdemo-public", "rfdemo-private"),
        "Basic " + "cmZkZW1vLXB1YmxpYzpyZmRlbW8tcHJpdmF0ZQ==",  # no company id
    ],
)
def test_bad_or_missing_credentials_are_401_with_a_connectwise_body(sim, authorization):
    resp = sim.get("/service/tickets", authorization=authorization)
    assert resp.status == 401
    assert resp.json["code"] == "Unauthorized"
    assert resp.json["message"]


@pytest.mark.parametrize("client_id", [None, "", "   "])
def test_a_missing_client_id_is_403(sim, client_id):
    resp = sim.get("/service/tickets", client_id=client_id)
    assert resp.status == 403
    assert resp.json["code"] == "Forbidden"
    assert "clientId" in resp.json["message"]


def test_valid_credentials_with_the_pinned_version_header(sim):
    resp = sim.get("/service/boards")
    assert resp.status == 200
    assert resp.header("Content-Type") == "application/json; charset=utf-8"
    assert resp.header("api-current-version") == "2025.8"
    assert [b["name"] for b in resp.json][:2] == ["Service Desk", "Network Operations"]


def test_any_codebase_serves_the_api(sim):
    resp = sim.get("/v2025_8/apis/3.0/service/priorities")
    assert resp.status == 200
    assert len(resp.json) == 5


def test_unknown_routes_are_connectwise_shaped_404s(sim):
    for path in (
        "/service/nothing",
        "/v4_6_release/apis/3.0",
        "/totally/elsewhere",
        "/service/tickets/abc",
    ):
        resp = sim.get(path)
        assert resp.status == 404, path
        assert resp.json["code"] == "NotFound"
        assert resp.json["message"]


def test_unknown_ids_are_404_with_the_entity_named(sim):
    resp = sim.get("/service/tickets/999999")
    assert resp.status == 404
    assert resp.json == {"code": "NotFound", "message": "Ticket with id 999999 was not found."}
    assert sim.get("/service/tickets/999999/notes").status == 404
    assert sim.get("/service/boards/99/statuses").status == 404
    assert sim.get("/system/members/99999").status == 404


def test_a_wrong_method_on_a_known_path_is_405(sim):
    resp = sim.request("PUT", "/service/tickets/1000", json={})
    assert resp.status == 405
    assert resp.json["code"] == "MethodNotAllowed"
    assert "PATCH" in resp.header("Allow")


def test_system_info_reports_the_version(sim):
    info = sim.get("/system/info").json
    assert info["version"] == "v2025.8"
    assert info["isCloud"] is True


def test_tenants_are_isolated(app):
    bayside, northshore = SimClient(app), SimClient(app, company_id="northshore")
    bayside_members = {
        m["identifier"] for m in bayside.get("/system/members", params={"pageSize": 1000}).json
    }
    northshore_members = {
        m["identifier"] for m in northshore.get("/system/members", params={"pageSize": 1000}).json
    }
    assert "jsmith" in bayside_members and "jsmith" not in northshore_members
    assert "cdiaz" in northshore_members and "cdiaz" not in bayside_members
    # The same ticket id exists in both, with different content.
    assert (
        bayside.get("/service/tickets/1000").json["summary"]
        != northshore.get("/service/tickets/1000").json["summary"]
    )
    assert northshore.get("/service/tickets/count").json == {"count": 150}
    assert bayside.get("/service/tickets/count").json == {"count": 1200}


def test_northshore_has_the_demo_member_casey():
    sim = SimClient(company_id="northshore")
    casey = sim.get("/system/members", params={"conditions": 'identifier = "cdiaz"'}).json
    assert len(casey) == 1
    assert (casey[0]["firstName"], casey[0]["lastName"]) == ("Casey", "Diaz")
    assert "name" not in casey[0]  # a ConnectWise member has no name
    assert casey[0]["officeEmail"] == "casey@northshore.example"
    statuses = sim.get("/service/boards/1/statuses").json
    assert any(s["closedStatus"] for s in statuses) and sum(s["defaultFlag"] for s in statuses) == 1
