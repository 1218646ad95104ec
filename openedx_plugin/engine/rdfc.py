"""RDFC-1.0 canonicalisation under a budget, with the canonical N-Quads escapes.

Why this module exists, beside pyld:

- RDFC-1.0's N-Degree hashing is factorial in the number of blank nodes that look
  alike: a 1.9 KB document with eight blank nodes that all reference each other costs
  about a minute of CPU. Canonicalising input someone else sent must therefore run
  under a ``Budget`` (size before expansion, quads, blank nodes, N-Degree iterations,
  CPU time) and fail fast with an ``EngineError`` (``BudgetExceeded``).
  The iteration limit follows the one Digital Bazaar's rdf-canonize applies by default
  (one N-Degree run per blank node that shares its first-degree hash), so a document
  refused here is one the JavaScript verifiers refuse too.
- RDFC-1.0 serialises literals in canonical N-Quads form: ``\\b \\t \\n \\f \\r \\" \\\\``
  as ECHARs and every other character of U+0000..U+001F and U+007F as ``\\uXXXX``
  (upper-case hex). pyld 3.3 escapes only five of them and writes the rest raw, so its
  hashes (and labels) differ from every other implementation for such literals. The
  serialiser here is used both for the first-degree hashes and for the output.
  For literals without those characters it writes exactly what pyld writes.
"""

from __future__ import annotations

import gc
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from pyld.canon import URDNA2015
from pyld.nquads import RDF_LANGSTRING, XSD_STRING

from .errors import EngineError

__all__ = ["Budget", "BudgetExceeded", "UNTRUSTED", "check_json_size", "escape_literal", "serialize_quad", "canonize"]


class BudgetExceeded(EngineError):
    """Canonicalising this input would cost more than its budget allows."""


@dataclass(frozen=True)
class Budget:
    """Limits for canonicalising one document we did not produce.

    ``max_json_values``/``max_depth`` are checked on the JSON before JSON-LD expansion,
    ``max_quads``/``max_blank_nodes`` on the RDF dataset before canonicalisation,
    ``work_factor`` bounds N-Degree hashing to ``(blank nodes sharing a first-degree
    hash) ** work_factor`` runs, and ``cpu_seconds`` (CPU time of the calling thread)
    is checked throughout expansion and canonicalisation as a backstop.
    """

    max_json_values: int = 1500
    max_depth: int = 48
    max_quads: int = 1000
    max_blank_nodes: int = 100
    work_factor: int = 1
    cpu_seconds: float = 0.03


#: The budget for input from outside (credentials to verify, presentations, status lists).
#: An Open Badge of this project has about 100 JSON values, 25 to 60 quads and under 15
#: blank nodes; its whole verification (expansion, both canonical forms) takes 3 to 5 ms
#: of CPU (11 ms for the first, which processes the shipped contexts). The 30 ms CPU
#: limit (garbage collection excluded) is 3 to 10 times that, and keeps the worst
#: refusal under 50 ms (tests/engine/test_canon_budget.py prints the figures). Callers
#: with larger documents pass their own ``Budget``.
UNTRUSTED = Budget()


# CPU time of this thread spent in the garbage collector. A collection that happens to
# run during a canonicalisation scans the whole heap (the process's objects, not the
# document's); counting it would refuse ordinary credentials at random.
_gc_time = threading.local()


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_time.start = time.thread_time()
    elif getattr(_gc_time, "start", None) is not None:
        _gc_time.total = getattr(_gc_time, "total", 0.0) + time.thread_time() - _gc_time.start
        _gc_time.start = None


gc.callbacks.append(_on_gc)


def cpu_time() -> float:
    """CPU time of the calling thread, garbage collection excluded."""
    return time.thread_time() - getattr(_gc_time, "total", 0.0)


class Meter:
    """The running account of one canonicalisation against its budget."""

    __slots__ = ("budget", "deadline")

    def __init__(self, budget: Budget):
        self.budget = budget
        self.deadline = cpu_time() + budget.cpu_seconds

    def tick(self) -> None:
        if cpu_time() > self.deadline:
            raise BudgetExceeded(f"canonicalisation exceeded its CPU budget of {self.budget.cpu_seconds * 1000:.0f} ms")


def check_json_size(doc: Any, budget: Budget) -> None:
    """Refuse documents too large or too deep before any JSON-LD processing (iteratively:
    a deeply nested document must not exhaust the Python stack here either)."""
    count = 0
    stack = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > budget.max_json_values:
            raise BudgetExceeded(f"document has more than {budget.max_json_values} JSON values")
        if depth > budget.max_depth:
            raise BudgetExceeded(f"document is nested deeper than {budget.max_depth} levels")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
            count += len(node)  # keys count too: contexts are mostly keys
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


_LITERAL_ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}
_LITERAL_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})
_NEEDS_ESCAPE = re.compile('[\u0000-\u001f\u007f"\\\\]')


def escape_literal(value: str) -> str:
    """A literal's lexical form as canonical N-Quads writes it (RDFC-1.0, N-Quads STRING_LITERAL_QUOTE)."""
    if not _NEEDS_ESCAPE.search(value):
        return value
    return value.translate(_LITERAL_ESCAPES)


def _term(component: dict) -> str:
    kind = component["type"]
    if kind == "IRI":
        return "<" + component["value"] + ">"
    if kind == "blank node":
        return component["value"]
    text = '"' + escape_literal(component["value"]) + '"'
    datatype = component.get("datatype")
    if datatype == RDF_LANGSTRING:
        return text + ("@" + component["language"] if component.get("language") else "")
    if datatype and datatype != XSD_STRING:
        return text + "^^<" + datatype + ">"
    return text


def serialize_quad(quad: dict) -> str:
    """One quad (pyld's dict form) as a canonical N-Quads line."""
    line = _term(quad["subject"]) + " " + _term(quad["predicate"]) + " " + _term(quad["object"])
    name = quad.get("name")
    if name is not None and name.get("value") not in (None, "@default"):
        line += " " + _term(name)
    return line + " .\n"


class _Canonicaliser(URDNA2015):
    """pyld's URDNA2015 (= RDFC-1.0) with canonical escapes and, optionally, a meter."""

    def __init__(self, meter: Meter | None):
        super().__init__()
        self.meter = meter
        self.remaining_deep = None

    def hash_first_degree_quads(self, id_):
        info = self.blank_node_info[id_]
        if "hash" not in info:
            if self.meter is not None:
                self.meter.tick()
            lines = []
            for quad in info["quads"]:
                copy = {
                    key: (self.modify_first_degree_component(id_, comp, key) if key != "predicate" else comp)
                    for key, comp in quad.items()
                }
                lines.append(serialize_quad(copy))
            lines.sort()
            info["hash"] = self.hash_nquads(lines)
        return info["hash"]

    def hash_n_degree_quads(self, id_, issuer):
        if self.meter is not None:
            self.meter.tick()
            if self.remaining_deep is None:
                shared = sum(len(ids) for ids in self.hash_to_blank_nodes.values())
                self.remaining_deep = shared**self.meter.budget.work_factor
            if self.remaining_deep <= 0:
                raise BudgetExceeded(
                    "blank nodes too alike to canonicalise within budget (N-Degree hashing limit reached)"
                )
            self.remaining_deep -= 1
        return super().hash_n_degree_quads(id_, issuer)

    def hash_related_blank_node(self, related, quad, issuer, position):
        if self.meter is not None:
            self.meter.tick()
        return super().hash_related_blank_node(related, quad, issuer, position)


def canonize(dataset: dict, meter: Meter | None = None) -> str:
    """Canonical N-Quads of a pyld RDF dataset (``{graph name: [triples]}``).

    With a meter, the dataset's size is checked first and the work is metered.
    """
    if meter is not None:
        budget = meter.budget
        quads = sum(len(triples) for triples in dataset.values())
        if quads > budget.max_quads:
            raise BudgetExceeded(f"document has {quads} RDF statements, more than {budget.max_quads}")
        blank = set()
        for name, triples in dataset.items():
            if name.startswith("_:"):
                blank.add(name)
            for triple in triples:
                for key in ("subject", "object"):
                    if triple[key]["type"] == "blank node":
                        blank.add(triple[key]["value"])
        if len(blank) > budget.max_blank_nodes:
            raise BudgetExceeded(f"document has {len(blank)} blank nodes, more than {budget.max_blank_nodes}")
        meter.tick()
    canon = _Canonicaliser(meter)
    # pyld relabels the quads in place while it builds its (differently escaped) output;
    # the canonical lines are written again from the relabelled quads.
    canon.main(dataset, {"format": "application/n-quads"})
    return "".join(sorted(serialize_quad(quad) for quad in canon.quads))
