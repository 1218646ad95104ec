"""
Credentials that outlive the LMS and that the learner can prove are theirs (issue 21).

``bundle``: a static copy of every public document a verifier fetches, for any web server.
``compromise``: withdraw a compromised signing key and re-issue what it signed.
``binding``: the learner's credential again, bound to a DID the learner proved to control.
``static_server``: a stdlib-only server of a bundle (no Django), for tests and a quick look.
"""
