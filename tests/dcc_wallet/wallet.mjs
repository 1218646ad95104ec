// The DCC Learner Credential Wallet's side of a `vc_request_url` exchange, made with the
// wallet's own npm libraries and called the way the wallet calls them:
//
//   * the did:key profile is minted as in app/lib/did.ts (`mintDid`): an
//     Ed25519VerificationKey2020 key pair, `did-method-key` driver `fromKeyPair`;
//   * the DID-Auth presentation is made as in app/lib/present.ts
//     (`createVerifiablePresentation`): `vc.createPresentation({holder, verify: false})`
//     then `vc.signPresentation({presentation, suite: new Ed25519Signature2020({key}),
//     challenge, documentLoader: securityLoader({fetchRemoteContexts: true}).build()})`;
//   * the request is sent as in app/lib/credentialRequest.ts (`requestCredential`):
//     `auth_type` must be `bearer`, POST the bare presentation as application/json to
//     `vc_request_url`, a non-2xx answer is "Unable to receive credential";
//   * the credential received is checked as in app/lib/validate.ts (`verifyCredential`):
//     `@digitalcredentials/verifier-core` `verifyCredential`.
//
// (Repository openwallet-foundation-labs/learner-credential-wallet, release 2.2.x; the
// paths above are in that repository. No code of the wallet is copied here: this script
// calls the same published libraries with the same arguments.)
//
// Offline: `globalThis.fetch` (which every one of those libraries uses, through ky) is
// replaced before anything runs. Requests to the site under test (`site_origin`, e.g.
// https://lms.example.com) go to the Django live server instead (`local_origin`), as if
// DNS pointed there; every other URL is refused and reported in `refused`. Contexts the
// libraries bundle never need the network.
//
// Usage: node wallet.mjs <input.json>   (prints one JSON object on stdout)
//   input: {"link": "dccrequest://request?...", "site_origin": "...", "local_origin": "...",
//           "seed_hex": optional 64 hex chars, "tamper": optional "challenge"}

import {readFileSync} from 'node:fs';
import crypto from 'node:crypto';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const realFetch = globalThis.fetch;
const refused = [];
const served = [];

globalThis.fetch = async function offlineFetch(resource, init) {
  const url = typeof resource === 'string' ? resource : (resource.url || String(resource));
  if (url.startsWith(input.site_origin + '/')) {
    const local = input.local_origin + url.slice(input.site_origin.length);
    served.push(url);
    if (typeof resource === 'string' || resource instanceof URL) {
      return realFetch(local, init);
    }
    return realFetch(new Request(local, resource), init);
  }
  refused.push(url);
  throw new TypeError(`offline test: refused to fetch ${url}`);
};

const vc = await import('@digitalcredentials/vc');
const {Ed25519VerificationKey2020} = await import('@digitalcredentials/ed25519-verification-key-2020');
const {Ed25519Signature2020} = await import('@digitalcredentials/ed25519-signature-2020');
const DidMethodKey = await import('@digitalcredentials/did-method-key');
const {securityLoader} = await import('@digitalcredentials/security-document-loader');
const verifierCore = await import('@digitalcredentials/verifier-core');

// app/lib/did.ts mintDid
async function mintDid(seed) {
  const didKeyDriver = DidMethodKey.driver();
  didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519VerificationKey2020.from});
  const verificationKeyPair = await Ed25519VerificationKey2020.generate({seed});
  const {didDocument} = await didKeyDriver.fromKeyPair({verificationKeyPair});
  verificationKeyPair.controller = didDocument.id;
  verificationKeyPair.id = `${didDocument.id}#${verificationKeyPair.fingerprint()}`;
  return {didDocument, verificationKey: verificationKeyPair.export({publicKey: true, privateKey: true})};
}

// app/lib/present.ts createVerifiablePresentation
const documentLoader = securityLoader({fetchRemoteContexts: true}).build();
async function createVerifiablePresentation({didRecord, challenge}) {
  const verificationKeyPair = await Ed25519VerificationKey2020.from(didRecord.verificationKey);
  const suite = new Ed25519Signature2020({key: verificationKeyPair});
  const holder = didRecord.didDocument.id;
  const presentation = vc.createPresentation({holder, verify: false});
  return vc.signPresentation({presentation, suite, challenge, documentLoader});
}

// app/lib/credentialRequest.ts requestCredential (and the deep link's query, app/lib/decode.ts)
function readLink(link) {
  const query = link.slice(link.indexOf('?') + 1);
  return Object.fromEntries(new URLSearchParams(query));
}

const out = {refused, served};
try {
  const seed = input.seed_hex ? Buffer.from(input.seed_hex, 'hex') : crypto.randomBytes(32);
  const didRecord = await mintDid(new Uint8Array(seed));
  out.did = didRecord.didDocument.id;
  const params = readLink(input.link);
  out.params = params;
  const {auth_type = 'code', vc_request_url, challenge} = params;
  if (auth_type !== 'bearer') {
    throw new Error(`Unsupported auth_type value: "${auth_type}".`);
  }
  const answered = input.tamper === 'challenge' ? challenge + 'x' : challenge;
  const requestBody = await createVerifiablePresentation({didRecord, challenge: answered});
  out.presentation = requestBody;
  const response = await fetch(vc_request_url, {
    method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(requestBody)});
  out.status = response.status;
  const text = await response.text();
  try { out.body = JSON.parse(text); } catch { out.body = text; }
  if (!response.ok) {
    out.wallet_error = 'Unable to receive credential: The issuer failed to return a valid response';
  } else {
    const credential = out.body;
    // app/lib/validate.ts verifyCredential (knownDIDRegistries: none offline, so the
    // issuer shows as "not in a known registry", as the wallet shows unknown issuers)
    const result = await verifierCore.verifyCredential({credential, knownDIDRegistries: []});
    out.verification = JSON.parse(JSON.stringify(result, (key, value) => (key === 'stackTrace' ? String(value) : value)));
  }
} catch (error) {
  out.error = String(error && error.stack || error);
}
// The libraries log to the console; the result is the last line, after a marker.
process.stdout.write("\n@@WALLET-RESULT@@" + JSON.stringify(out) + "\n");
