"""A test DCC wallet: a did:key holder that answers a request link with a DID-Auth presentation."""

from urllib.parse import parse_qs, urlsplit

from openedx_plugin.backpacks.didauth import sign_presentation
from openedx_plugin.engine import jsonld, keys


class TestWallet:
    __test__ = False

    def __init__(self):
        self.key = keys.generate_ed25519()
        self.did = keys.did_key(self.key)
        self.vm = keys.did_key_verification_method(self.key)

    @staticmethod
    def read_link(link):
        parts = urlsplit(link)
        return {key: values[0] for key, values in parse_qs(parts.query).items()}

    def presentation(self, challenge, domain=None):
        unsigned = {"@context": [jsonld.VC_V2], "type": ["VerifiablePresentation"], "holder": self.did}
        return sign_presentation(unsigned, self.key, self.vm, challenge=challenge, domain=domain)
