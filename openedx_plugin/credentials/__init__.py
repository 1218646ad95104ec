"""
Credentials: what an award is as a document, and everything that makes it verifiable.

``issuing`` builds and signs the documents of an award (OB 3.0 credential, OB 2.0
assertions) and keeps its status-list bits; ``keystore`` holds the issuers' keys;
``public_urls`` names every public identifier; ``baked`` puts a credential in an image;
``verification`` checks a stored award as a verifier would; ``caching`` keeps the
public documents until what they depend on changes. Below: ``models``, ``rules`` and
the pure ``engine``; above: ``awards`` (who gets a badge, and what follows).
"""
