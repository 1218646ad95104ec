"""Pure-Python credential engine: JSON-LD, keys, DIDs, Data Integrity proofs, Open Badges 3.0
builders, status lists and verification. Nothing here imports Django, so it can be tested
and reused outside Open edX; import the submodules you need.
"""
