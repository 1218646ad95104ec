"""
The worst request an anonymous client can send to the DCC exchange costs little CPU.

Issue 17 finding 1: a 1.9 KB presentation with 8 mutually-referencing blank nodes cost
about 60 s of RDFC-1.0 before any check. The exchange now refuses everything but the
DID-Auth shape before JSON-LD, so the worst request left is a well-shaped presentation
with a wrong signature (the only kind that is canonicalised). Figures for
docs/reliability.md: ``pytest -s tests/backpacks/test_dcc_exchange_cpu.py`` prints them.
"""

import json
import time

import pytest
from django.test import RequestFactory

from openedx_plugin.backpacks import views

from .test_dcc_wallet_suites import Lcw2020Wallet, _blank_node_bomb
from .wallet_client import TestWallet

BUDGET_SECONDS = 0.050


@pytest.fixture
def exchange(learner_client, dcc_provider, award, settings):
    settings.OPENEDX_BADGES_RATE_LIMITS = {"dcc_exchange": None, "dcc_exchange_id": None}
    settings.OPENEDX_BADGES_DCC_MAX_FAILURES = 10_000
    page = learner_client.get(f"/badges/backpacks/{dcc_provider.pk}/wallet/{award.uuid}/")
    return page.context["link"]["challenge"]


def _bad_signature(vp):
    vp["proof"]["proofValue"] = "z" + "2" * 87
    return vp


def _cases(row):
    long = "x" * 500
    nested = json.dumps({"@context": [[[[[[["x"]]]]]]]})
    return {
        "blank-node bomb (8 nodes, issue 17)": json.dumps(_blank_node_bomb(row.challenge, nodes=8)),
        "Ed25519Signature2020, right challenge, wrong signature": json.dumps(
            _bad_signature(Lcw2020Wallet().presentation(row.challenge))),
        "eddsa-rdfc-2022, right challenge, wrong signature": json.dumps(
            _bad_signature(TestWallet().presentation(row.challenge))),
        "well-shaped, 500-character domain (refused on domain)": json.dumps(
            _bad_signature(Lcw2020Wallet().presentation(row.challenge, domain=long))),
        "8 KB of JSON (largest body accepted), wrong shape": json.dumps({"holder": "y" * 8100}),
        "nesting past the limit": nested,
        "5,000 nested arrays (RecursionError before)": "[" * 4000 + "]" * 4000,
    }


def _cpu_of(row, body):
    request = RequestFactory().post(f"/badges/backpacks/dcc/exchange/{row.exchange_id}", body,
                                    content_type="application/json")
    started = time.process_time()
    response = views.dcc_exchange(request, row.exchange_id)
    return time.process_time() - started, response.status_code


def test_worst_requests_stay_under_the_budget(exchange):
    row = exchange
    figures = {}
    for name, body in _cases(row).items():
        _cpu_of(row, body)  # warm (contexts parsed once per process)
        spent, status = max(_cpu_of(row, body) for _ in range(5))
        assert status in (400, 413), (name, status)
        figures[name] = (spent, status, len(body))
    print("\nDCC exchange, server CPU per request (max of 5, warm):")
    for name, (spent, status, size) in sorted(figures.items(), key=lambda item: -item[1][0]):
        print(f"  {spent * 1000:7.2f} ms  HTTP {status}  {size:5d} B  {name}")
    worst = max(spent for spent, _status, _size in figures.values())
    assert worst < BUDGET_SECONDS, figures
