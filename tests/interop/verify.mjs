#!/usr/bin/env node
/*
 * Independent, offline verifier for the credentials this project issues.
 *
 * It uses Digital Bazaar's JavaScript stack (the one many wallets and
 * verifiers build on) so that the Python test suite can prove that what the
 * Python engine signs is accepted by a second, unrelated implementation.
 *
 * Usage:
 *   node verify.mjs request.json        (or the request on stdin)
 *
 * Request:
 *   {
 *     "items": [{"kind": "ob3", "path": "/tmp/cred.json"}, ...],
 *     "documents": {"https://host/.well-known/did.json": "/tmp/did.json", ...},
 *     "now": "2030-01-01T00:00:00Z",          (optional, for validity checks)
 *     "contextsDir": "/path/to/contexts"      (optional override)
 *   }
 *
 * kinds: vc, ob3, ob3-status-list, ob2-jws, ob2-hosted,
 *        ob3-png, ob3-svg, ob2-png, ob2-svg
 *
 * "documents" values are a local file path (JSON, or for a JWS plain text),
 * {"json": <inline document>} or {"status": 410} (the URL answers HTTP 410
 * Gone, i.e. a revoked hosted OB 2.0 assertion).
 *
 * Response (stdout, JSON):
 *   {"results": [{"path", "kind", "verified": bool, "revoked": bool|null,
 *                 "errors": [..], "warnings": [..], ...}],
 *    "versions": {...}, "warnings": [...]}
 *
 * Nothing is ever fetched from the network: the document loader answers only
 * from the JSON-LD context files shipped in the repository
 * (openedx_plugin/engine/contexts/), the contexts bundled in the npm packages
 * and the caller's "documents" map, and throws for anything else.
 *
 * Exit code: 0 whenever a response was written (failed items are data);
 * 2 for a bad request or an internal harness error.
 */
import {createPublicKey, createHash} from 'node:crypto';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {dirname, isAbsolute, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gunzipSync, inflateSync} from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {checkStatus as bslCheckStatus} from
  '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import {contexts as bslContexts} from
  '@digitalbazaar/vc-bitstring-status-list-context';
import {contexts as securityContexts} from '@digitalbazaar/security-context';
import {contexts as didContexts} from 'did-context';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import {compactVerify} from 'jose';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
export const DEFAULT_CONTEXTS_DIR =
  join(REPO_ROOT, 'openedx_plugin', 'engine', 'contexts');

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
const OB3_CONTEXT_RE =
  /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context-3\.0\.\d+\.json$/;
const OB2_SVG_NS = 'http://openbadges.org';
const OB3_SVG_NS = 'https://purl.imsglobal.org/ob/v3p0';
const MIN_STATUS_LIST_BITS = 131072;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

// File names the repository uses for its context copies, when no manifest
// says otherwise.
const KNOWN_CONTEXT_FILES = {
  'credentials-v2.json': VC_V2,
  'ob-v3p0-context-3.0.3.json':
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  'multikey-v1.json': MULTIKEY_V1,
  'credentials-status-v1.json': 'https://www.w3.org/ns/credentials/status/v1',
  'openbadges-v2.json': OB2_CONTEXT,
  'did-v1.json': DID_V1,
};

class HarnessError extends Error {}

// ---------------------------------------------------------------- contexts

function readJsonFile(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// A manifest may map url -> file, file -> url, or list {url, file} objects;
// accept any of these shapes since it is written by another part of the
// project.
function manifestEntries(manifest) {
  const out = [];
  const visit = value => {
    if(Array.isArray(value)) {
      value.forEach(visit);
    } else if(value && typeof value === 'object') {
      const url = value.url || value.URL || value.id;
      const file = value.file || value.filename || value.path;
      if(typeof url === 'string' && typeof file === 'string') {
        out.push([url, file]);
        return;
      }
      for(const [k, v] of Object.entries(value)) {
        if(typeof v === 'string') {
          if(/^https?:\/\//.test(k)) {
            out.push([k, v]);
          } else if(/^https?:\/\//.test(v)) {
            out.push([v, k]);
          }
        } else if(v && typeof v === 'object') {
          if(/^https?:\/\//.test(k) &&
            typeof (v.file || v.filename || v.path) === 'string') {
            out.push([k, v.file || v.filename || v.path]);
          } else {
            visit(v);
          }
        }
      }
    }
  };
  visit(manifest);
  return out;
}

function loadRepoContexts(dir, warnings) {
  const map = new Map();
  if(!existsSync(dir)) {
    warnings.push(`contexts directory ${dir} does not exist`);
    return map;
  }
  const files = readdirSync(dir);
  for(const name of files) {
    if(!/manifest/i.test(name) || !name.endsWith('.json')) {
      continue;
    }
    try {
      for(const [url, file] of manifestEntries(readJsonFile(join(dir, name)))) {
        const p = isAbsolute(file) ? file : join(dir, file);
        if(existsSync(p) && !map.has(url)) {
          map.set(url, readJsonFile(p));
        }
      }
    } catch(e) {
      warnings.push(`could not read context manifest ${name}: ${e.message}`);
    }
  }
  for(const [file, url] of Object.entries(KNOWN_CONTEXT_FILES)) {
    const p = join(dir, file);
    if(!map.has(url) && existsSync(p)) {
      map.set(url, readJsonFile(p));
    }
  }
  return map;
}

function buildContextMap(dir, warnings) {
  const repo = loadRepoContexts(dir, warnings);
  const bundled = new Map([
    ...credentialsContexts, ...bslContexts, ...securityContexts,
    ...didContexts,
  ]);
  const map = new Map(bundled);
  for(const [url, doc] of repo) {
    const npmCopy = bundled.get(url);
    if(npmCopy !== undefined &&
      JSON.stringify(npmCopy) !== JSON.stringify(doc)) {
      warnings.push(
        `the repository's copy of ${url} differs from the copy bundled in ` +
        'the npm packages; using the repository copy');
    }
    map.set(url, doc);
  }
  return map;
}

// ----------------------------------------------------------- document loader

function didWebToUrl(did) {
  // did:web:host%3Aport:path:to -> https://host:port/path/to/did.json
  const rest = did.slice('did:web:'.length).split('#')[0];
  if(!rest) {
    throw new Error(`invalid did:web "${did}"`);
  }
  const parts = rest.split(':').map(decodeURIComponent);
  const host = parts.shift();
  if(!host || /[/?#@]/.test(host)) {
    throw new Error(`invalid did:web host in "${did}"`);
  }
  if(parts.length === 0) {
    return `https://${host}/.well-known/did.json`;
  }
  return `https://${host}/${parts.join('/')}/did.json`;
}

async function didKeyDocument(did) {
  const fingerprint = did.slice('did:key:'.length);
  if(!fingerprint.startsWith('z6Mk')) {
    throw new Error(
      `unsupported did:key "${did}" (only Ed25519 "z6Mk..." keys)`);
  }
  const vmId = `${did}#${fingerprint}`;
  // decodes and validates the multicodec header and key length
  const key = await Ed25519Multikey.from({
    '@context': MULTIKEY_V1, type: 'Multikey', id: vmId, controller: did,
    publicKeyMultibase: fingerprint,
  });
  const vm = await key.export({publicKey: true, includeContext: false});
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [vm],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId],
  };
}

const VM_RELATIONS = [
  'verificationMethod', 'assertionMethod', 'authentication',
  'capabilityInvocation', 'capabilityDelegation', 'keyAgreement', 'publicKey',
];

function absolutize(ref, base) {
  if(typeof ref !== 'string') {
    return ref;
  }
  if(ref.startsWith('#')) {
    return base.split('#')[0] + ref;
  }
  return ref;
}

function findVerificationMethod(doc, url) {
  const base = doc.id || url.split('#')[0];
  for(const rel of VM_RELATIONS) {
    for(const vm of [].concat(doc[rel] || [])) {
      if(vm && typeof vm === 'object' && absolutize(vm.id, base) === url) {
        const out = {...vm, id: url};
        if(vm.controller) {
          out.controller = absolutize(vm.controller, base);
        }
        if(out['@context'] === undefined && doc['@context'] !== undefined) {
          out['@context'] = doc['@context'];
        }
        return out;
      }
    }
  }
  return undefined;
}

function createDocumentLoader({contexts, documents, baseDir}) {
  const cache = new Map();

  function readMapped(url) {
    const entry = documents[url];
    if(entry && typeof entry === 'object') {
      if('status' in entry && entry.status !== 200) {
        const err = new Error(`HTTP ${entry.status} for "${url}"`);
        err.status = entry.status;
        throw err;
      }
      if('json' in entry) {
        return entry.json;
      }
      if('path' in entry) {
        return readDocFile(entry.path);
      }
      throw new Error(`bad "documents" entry for "${url}"`);
    }
    return readDocFile(entry);
  }

  function readDocFile(path) {
    const p = isAbsolute(path) ? path : resolve(baseDir, path);
    const text = readFileSync(p, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      return text.trim();
    }
  }

  async function load(url) {
    if(typeof url !== 'string') {
      throw new Error(`document loader: URL must be a string, got ${url}`);
    }
    if(contexts.has(url)) {
      return contexts.get(url);
    }
    if(Object.prototype.hasOwnProperty.call(documents, url)) {
      return readMapped(url);
    }
    const hash = url.indexOf('#');
    if(hash === -1) {
      if(url.startsWith('did:key:')) {
        return didKeyDocument(url);
      }
      if(url.startsWith('did:web:')) {
        let location = didWebToUrl(url);
        if(!Object.prototype.hasOwnProperty.call(documents, location)) {
          // the did:web spec always uses https; for a local development
          // host, also accept the caller mapping the http:// form
          const http = location.replace(/^https:/, 'http:');
          const host = new URL(location).hostname;
          if(LOCAL_HOSTS.has(host) &&
            Object.prototype.hasOwnProperty.call(documents, http)) {
            location = http;
          } else {
            throw new Error(
              `offline document loader: did:web "${url}" resolves to ` +
              `"${location}", which is not in "documents"`);
          }
        }
        const doc = readMapped(location);
        if(!doc || doc.id !== url) {
          throw new Error(
            `DID document at "${location}" has id "${doc && doc.id}", ` +
            `expected "${url}"`);
        }
        return doc;
      }
      throw new Error(
        `offline document loader: no local document for "${url}" ` +
        '(network access is disabled)');
    }
    // a verification method (key) URL: dereference the document it is in
    const base = url.slice(0, hash);
    const doc = await cachedLoad(base);
    const vm = findVerificationMethod(doc, url);
    if(!vm) {
      throw new Error(
        `verification method "${url}" not found in document "${base}"`);
    }
    return vm;
  }

  async function cachedLoad(url) {
    if(!cache.has(url)) {
      cache.set(url, load(url));
    }
    // give each caller its own copy: libraries may mutate what they get
    return structuredClone(await cache.get(url));
  }

  const documentLoader = async url => ({
    contextUrl: null,
    documentUrl: url,
    document: await cachedLoad(url),
  });
  documentLoader.loadDocument = cachedLoad;
  return documentLoader;
}

// ------------------------------------------------------------------ errors

function describeError(err, out = [], depth = 0) {
  if(!err || depth > 6) {
    return out;
  }
  if(typeof err !== 'object') {
    out.push(String(err));
    return out;
  }
  let msg = err.message || String(err);
  const event = err.details && err.details.event;
  if(event) {
    let detail = '';
    try {
      detail = JSON.stringify(event.details);
    } catch {
      detail = '';
    }
    msg += ` [${event.code}] ${event.message || ''} ${detail || ''}`.trimEnd();
    if(detail.length > 400) {
      msg = msg.slice(0, 600) + '...';
    }
  }
  if(err.name && err.name !== 'Error' && !msg.startsWith(err.name)) {
    msg = `${err.name}: ${msg}`;
  }
  if(Array.isArray(err.errors) && err.errors.length) {
    err.errors.forEach(e => describeError(e, out, depth + 1));
    if(!err.errors.some(e => e && e.message === err.message)) {
      // VerificationError wraps its causes; the wrapper's message is generic
      if(!/^VerificationError/.test(msg)) {
        out.push(msg);
      }
    }
  } else {
    out.push(msg);
  }
  if(err.cause) {
    describeError(err.cause, out, depth + 1);
  }
  if(err.details && err.details.cause && err.details.cause !== err.cause) {
    describeError(err.details.cause, out, depth + 1);
  }
  return out;
}

function uniq(list) {
  return [...new Set(list)];
}

// ------------------------------------------------------------ DI / OB 3.0

// The cryptosuite object the verifier uses. Canonicalisation is forced into
// JSON-LD safe mode (which @digitalbazaar/data-integrity already requests);
// the wrapper throws if any caller ever asks for anything else.
const safeEddsaRdfc2022 = {
  ...eddsaRdfc2022,
  async canonize(input, options = {}) {
    if(options.safe === false) {
      throw new Error('refusing to canonicalise outside JSON-LD safe mode');
    }
    return eddsaRdfc2022.canonize(input, {...options, safe: true});
  },
};

function makeSuite() {
  return new DataIntegrityProof({cryptosuite: safeEddsaRdfc2022});
}

// Expand the document ourselves in safe mode first: the result is the same
// verdict the canonicaliser would reach, with a clearer message naming the
// offending term.
async function safeModePreflight(doc, documentLoader) {
  const problems = [];
  try {
    await jsonld.expand(doc, {
      documentLoader, safe: true, base: null,
      eventHandler: ({event, next}) => {
        if(event.level === 'warning') {
          problems.push(event);
        }
        next();
      },
    });
  } catch(e) {
    return describeError(e).map(m => `JSON-LD safe mode: ${m}`);
  }
  return problems.map(ev => {
    let d = '';
    try {
      d = JSON.stringify(ev.details);
    } catch {}
    return `JSON-LD safe mode: [${ev.code}] ${ev.message} ${
      d.length > 400 ? d.slice(0, 400) + '...' : d}`;
  });
}

// Decode a Bitstring Status List "encodedList" with node's own zlib,
// independently of @digitalbazaar/bitstring: 'u' + base64url(gzip(bits)),
// index 0 is the left-most (most significant) bit of the first byte.
export function decodeEncodedList(encodedList) {
  if(typeof encodedList !== 'string' || encodedList[0] !== 'u') {
    throw new Error('"encodedList" must be a string starting with "u" ' +
      '(multibase base64url)');
  }
  const body = encodedList.slice(1);
  if(!/^[A-Za-z0-9_-]*$/.test(body)) {
    throw new Error('"encodedList" is not base64url (no padding)');
  }
  return gunzipSync(Buffer.from(body, 'base64url'));
}

function bitAt(bytes, index) {
  const byte = bytes[index >> 3];
  return ((byte >> (7 - (index & 7))) & 1) === 1;
}

function checkStatusListShape(slc, errors) {
  const types = [].concat(slc.type || []);
  if(!types.includes('BitstringStatusListCredential')) {
    errors.push('status list credential type must include ' +
      '"BitstringStatusListCredential"');
  }
  const subject = slc.credentialSubject || {};
  if(subject.type !== 'BitstringStatusList') {
    errors.push('status list credentialSubject.type must be the string ' +
      `"BitstringStatusList" (got ${JSON.stringify(subject.type)})`);
  }
  let bytes = null;
  try {
    bytes = decodeEncodedList(subject.encodedList);
    if(bytes.length * 8 < MIN_STATUS_LIST_BITS) {
      errors.push(`status list has ${bytes.length * 8} bits; the Bitstring ` +
        `Status List spec requires at least ${MIN_STATUS_LIST_BITS}`);
    }
  } catch(e) {
    errors.push(`cannot decode encodedList: ${e.message}`);
  }
  return bytes;
}

function hashIdentity(value, salt, algorithm = 'sha256') {
  return createHash(algorithm).update(value + (salt || '')).digest('hex');
}

function checkHashedIdentity({identity, salt, email, errors, label}) {
  const m = /^(sha256|md5)\$([0-9a-fA-F]+)$/.exec(identity || '');
  if(!m) {
    errors.push(`${label}: hashed identity "${identity}" is not ` +
      '"sha256$<hex>" or "md5$<hex>"');
    return;
  }
  if(email !== undefined) {
    const expect = hashIdentity(email, salt, m[1]);
    if(expect !== m[2].toLowerCase()) {
      errors.push(`${label}: identity hash does not match "${email}"`);
    }
  }
}

function checkOb3Shape(cred, item, errors) {
  const ctx = [].concat(cred['@context'] || []);
  if(ctx[0] !== VC_V2) {
    errors.push(`OB 3.0: first @context must be ${VC_V2}`);
  }
  if(!ctx.some(c => typeof c === 'string' && OB3_CONTEXT_RE.test(c))) {
    errors.push('OB 3.0: @context must include the OB 3.0 context ' +
      '(https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.x.json)');
  }
  const types = [].concat(cred.type || []);
  if(!types.includes('OpenBadgeCredential') &&
    !types.includes('AchievementCredential')) {
    errors.push('OB 3.0: type must include "OpenBadgeCredential"');
  }
  const issuer = cred.issuer;
  if(!issuer || typeof issuer !== 'object') {
    errors.push('OB 3.0: issuer must be a Profile object');
  } else {
    for(const f of ['id', 'type', 'name']) {
      if(!issuer[f]) {
        errors.push(`OB 3.0: issuer.${f} is required`);
      }
    }
  }
  for(const f of ['id', 'name', 'validFrom']) {
    if(!cred[f]) {
      errors.push(`OB 3.0: "${f}" is required`);
    }
  }
  const subjects = [].concat(cred.credentialSubject || []);
  for(const s of subjects) {
    if(!s.achievement) {
      errors.push('OB 3.0: credentialSubject.achievement is required');
    }
    if(!s.id && !(s.identifier && [].concat(s.identifier).length)) {
      errors.push('OB 3.0: credentialSubject needs "id" or "identifier"');
    }
    if(item.recipient_email !== undefined) {
      const ids = [].concat(s.identifier || []);
      if(!ids.length) {
        errors.push('OB 3.0: no identifier to match recipient_email');
      }
      for(const ident of ids) {
        if(ident.hashed) {
          checkHashedIdentity({
            identity: ident.identityHash, salt: ident.salt,
            email: item.recipient_email, errors,
            label: 'OB 3.0 identifier',
          });
        } else if(ident.identityHash !== item.recipient_email) {
          errors.push('OB 3.0 identifier does not match recipient_email');
        }
      }
    }
  }
  if(!cred.proof) {
    errors.push('no "proof"');
  }
}

async function verifyDataIntegrity({cred, item, ctx, ob3, statusList}) {
  const out = {verified: false, revoked: null, errors: [], warnings: []};
  const {documentLoader} = ctx;
  const now = item.now || ctx.now;
  if(!cred || typeof cred !== 'object' || Array.isArray(cred)) {
    out.errors.push('credential is not a JSON object');
    return out;
  }
  if(ob3) {
    checkOb3Shape(cred, item, out.errors);
  }
  out.errors.push(...await safeModePreflight(cred, documentLoader));

  const suite = makeSuite();
  const statusChecks = [];
  const checkStatus = async options => {
    const r = await bslCheckStatus({
      ...options, suite, documentLoader,
      verifyBitstringStatusListCredential: true,
      verifyMatchingIssuers: true,
    });
    statusChecks.push(r);
    return r;
  };
  // "check_issuer": false verifies the proof for the assertionMethod purpose
  // only, without @digitalbazaar/vc's rule that the verification method's
  // controller is the credential's issuer (needed for cryptosuite test
  // vectors whose issuer is not the signing DID).
  const purpose = item.check_issuer === false ?
    new jsigs.purposes.AssertionProofPurpose() : undefined;
  if(purpose) {
    out.warnings.push('issuer/controller match not checked (check_issuer: ' +
      'false)');
  }
  const result = await vc.verifyCredential({
    credential: cred, suite, documentLoader, checkStatus,
    ...(now ? {now} : {}), ...(purpose ? {purpose} : {}),
  });
  if(!result.verified) {
    out.errors.push(...describeError(result.error));
    for(const r of result.results || []) {
      if(r.error) {
        out.errors.push(...describeError(r.error));
      }
      if(r.purposeResult && r.purposeResult.error) {
        out.errors.push(...describeError(r.purposeResult.error));
      }
    }
    if(result.statusResult && result.statusResult.error) {
      out.errors.push(...describeError(result.statusResult.error)
        .map(m => `status: ${m}`));
    }
  }

  // revocation state, cross-checked with an independent decode
  if(cred.credentialStatus) {
    const statuses = [].concat(cred.credentialStatus);
    for(const cs of statuses) {
      if(cs.type === 'BitstringStatusListEntry' &&
        !(typeof cs.statusListIndex === 'string' &&
          /^(0|[1-9][0-9]*)$/.test(cs.statusListIndex))) {
        out.errors.push('credentialStatus.statusListIndex must be a ' +
          'base-10 integer string');
      }
    }
    const sr = statusChecks[0];
    if(sr && sr.verified) {
      let revoked = false;
      let sawRevocation = false;
      for(const r of sr.results) {
        const cs = r.credentialStatus;
        let mine;
        try {
          const slc = await documentLoader.loadDocument(
            cs.statusListCredential);
          const errs = [];
          const bytes = checkStatusListShape(slc, errs);
          out.errors.push(...errs.map(e => `status: ${e}`));
          const index = parseInt(cs.statusListIndex, 10);
          if(bytes) {
            if(index >= bytes.length * 8) {
              out.errors.push(`status: statusListIndex ${index} is beyond ` +
                `the list (${bytes.length * 8} bits)`);
            } else {
              mine = bitAt(bytes, index);
            }
          }
        } catch(e) {
          out.errors.push(`status: ${e.message}`);
        }
        if(mine !== undefined && mine !== r.status) {
          out.errors.push('status: @digitalbazaar/vc-bitstring-status-list ' +
            `reads ${r.status} but the zlib decode reads ${mine}`);
        }
        out.statuses = (out.statuses || []).concat([{
          statusPurpose: cs.statusPurpose, index: cs.statusListIndex,
          statusListCredential: cs.statusListCredential, status: r.status,
        }]);
        if(cs.statusPurpose === 'revocation') {
          sawRevocation = true;
          revoked = revoked || r.status === true;
        }
        if(cs.statusPurpose === 'suspension') {
          out.suspended = (out.suspended || false) || r.status === true;
        }
      }
      out.revoked = sawRevocation ? revoked : null;
    }
  } else {
    out.revoked = false;
  }

  if(statusList) {
    const bytes = checkStatusListShape(cred, out.errors);
    out.revoked = null;
    if(bytes) {
      out.bits = bytes.length * 8;
      if(item.index !== undefined) {
        const index = parseInt(item.index, 10);
        out.status = index < bytes.length * 8 ? bitAt(bytes, index) : null;
      }
    }
  }

  out.verified = result.verified === true && out.errors.length === 0;
  out.errors = uniq(out.errors);
  if(!out.verified && out.errors.length === 0) {
    out.errors.push('verification failed (no reason given by the library)');
  }
  return out;
}

// ---------------------------------------------------------------- OB 2.0

function b64urlJson(part, what) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch(e) {
    throw new Error(`JWS ${what} is not base64url JSON: ${e.message}`);
  }
}

function typeIncludes(obj, t) {
  return [].concat((obj && obj.type) || []).includes(t);
}

function origin(url) {
  try {
    const u = new URL(url);
    return u.origin === 'null' ? null : u.origin;
  } catch {
    return null;
  }
}

async function resolveNode(value, ctx, label, errors) {
  if(value && typeof value === 'object') {
    return value;
  }
  if(typeof value !== 'string') {
    errors.push(`${label} is missing`);
    return null;
  }
  try {
    const doc = await ctx.documentLoader.loadDocument(value);
    if(!doc || typeof doc !== 'object') {
      errors.push(`${label} "${value}" is not a JSON object`);
      return null;
    }
    if(doc.id !== undefined && doc.id !== value) {
      errors.push(`${label} fetched from "${value}" has id "${doc.id}"`);
    }
    return doc;
  } catch(e) {
    errors.push(`${label} "${value}" could not be loaded: ${e.message}`);
    return null;
  }
}

function checkOb2Context(doc, label, errors) {
  const ctx = [].concat(doc['@context'] || []);
  if(!ctx.includes(OB2_CONTEXT)) {
    errors.push(`${label}: @context must be ${OB2_CONTEXT}`);
  }
}

function checkDate(value, label, errors) {
  if(typeof value !== 'string' || isNaN(Date.parse(value))) {
    errors.push(`${label} is not an ISO 8601 date: ${JSON.stringify(value)}`);
    return null;
  }
  return new Date(value);
}

// Required fields, badge -> BadgeClass -> issuer chain, recipient, expiry.
// Returns {badge, issuer}.
async function checkOb2Assertion(assertion, item, ctx, errors, {embedded}) {
  if(!assertion || typeof assertion !== 'object') {
    errors.push('assertion is not a JSON object');
    return {};
  }
  if(!embedded) {
    checkOb2Context(assertion, 'assertion', errors);
  }
  for(const f of ['id', 'type', 'recipient', 'badge', 'verification',
    'issuedOn']) {
    if(assertion[f] === undefined || assertion[f] === null) {
      errors.push(`assertion: "${f}" is required`);
    }
  }
  if(assertion.type !== undefined && !typeIncludes(assertion, 'Assertion')) {
    errors.push('assertion: type must be "Assertion"');
  }
  if(assertion.issuedOn !== undefined) {
    checkDate(assertion.issuedOn, 'assertion.issuedOn', errors);
  }
  if(assertion.expires !== undefined) {
    const exp = checkDate(assertion.expires, 'assertion.expires', errors);
    const now = new Date(item.now || ctx.now || Date.now());
    if(exp && exp < now) {
      errors.push(`assertion expired on ${assertion.expires}`);
    }
  }
  const r = assertion.recipient;
  if(r && typeof r === 'object') {
    if(!r.type || !r.identity) {
      errors.push('assertion.recipient needs "type" and "identity"');
    }
    if(r.hashed) {
      checkHashedIdentity({
        identity: r.identity, salt: r.salt, email: item.recipient_email,
        errors, label: 'assertion.recipient',
      });
    } else if(item.recipient_email !== undefined &&
      r.identity !== item.recipient_email) {
      errors.push('assertion.recipient does not match recipient_email');
    }
  } else if(r !== undefined) {
    errors.push('assertion.recipient must be an IdentityObject');
  }

  const badge = await resolveNode(assertion.badge, ctx, 'badge', errors);
  let issuer = null;
  if(badge) {
    for(const f of ['id', 'type', 'name', 'description', 'image',
      'criteria', 'issuer']) {
      if(badge[f] === undefined || badge[f] === null || badge[f] === '') {
        errors.push(`BadgeClass: "${f}" is required`);
      }
    }
    if(!typeIncludes(badge, 'BadgeClass')) {
      errors.push('BadgeClass: type must be "BadgeClass"');
    }
    issuer = await resolveNode(badge.issuer, ctx, 'issuer', errors);
  }
  if(issuer) {
    for(const f of ['id', 'type', 'name', 'url', 'email']) {
      if(!issuer[f]) {
        errors.push(`Issuer: "${f}" is required`);
      }
    }
    if(!typeIncludes(issuer, 'Issuer') && !typeIncludes(issuer, 'Profile')) {
      errors.push('Issuer: type must be "Issuer" or "Profile"');
    }
  }
  return {badge, issuer};
}

function verificationType(assertion) {
  const v = assertion && assertion.verification;
  const t = v && v.type;
  return typeof t === 'string' ? t.toLowerCase() : t;
}

async function verifyOb2Jws({jws, item, ctx}) {
  const out = {verified: false, revoked: null, errors: [], warnings: []};
  const errors = out.errors;
  jws = String(jws).trim();
  const parts = jws.split('.');
  if(parts.length !== 3) {
    errors.push('not a compact JWS (expected 3 dot-separated parts)');
    return out;
  }
  let header;
  let assertion;
  try {
    header = b64urlJson(parts[0], 'header');
    assertion = b64urlJson(parts[1], 'payload');
  } catch(e) {
    errors.push(e.message);
    return out;
  }
  out.assertion_id = assertion.id;
  if(header.alg !== 'RS256') {
    errors.push(`JWS alg is ${JSON.stringify(header.alg)}, expected RS256`);
  }
  const vtype = verificationType(assertion);
  if(vtype !== 'signed' && vtype !== 'signedbadge') {
    errors.push('assertion.verification.type must be "signed" for a ' +
      'signed assertion');
  }
  const creator = assertion.verification && assertion.verification.creator;
  let key = null;
  if(typeof creator !== 'string') {
    errors.push('assertion.verification.creator (key URL) is required');
  } else {
    try {
      key = await ctx.documentLoader.loadDocument(creator);
    } catch(e) {
      errors.push(`key "${creator}" could not be loaded: ${e.message}`);
    }
  }
  let signatureOk = false;
  if(key) {
    if(key.id !== undefined && key.id !== creator) {
      errors.push(`CryptographicKey at "${creator}" has id "${key.id}"`);
    }
    if(!typeIncludes(key, 'CryptographicKey')) {
      errors.push('key: type must be "CryptographicKey"');
    }
    if(typeof key.publicKeyPem !== 'string') {
      errors.push('key: "publicKeyPem" is required');
    } else {
      try {
        const publicKey = createPublicKey(key.publicKeyPem);
        if(publicKey.asymmetricKeyType !== 'rsa') {
          throw new Error(
            `key type is ${publicKey.asymmetricKeyType}, expected rsa`);
        }
        const {payload} = await compactVerify(jws, publicKey,
          {algorithms: ['RS256']});
        signatureOk = Buffer.from(payload).toString('base64url') === parts[1];
        if(!signatureOk) {
          errors.push('verified payload differs from the decoded payload');
        }
      } catch(e) {
        errors.push(`JWS signature: ${e.code ? e.code + ': ' : ''}` +
          `${e.message}`);
      }
    }
  }
  const {issuer} = await checkOb2Assertion(
    assertion, item, ctx, errors, {embedded: false});
  if(issuer && key) {
    if(key.owner !== issuer.id) {
      errors.push(`key owner "${key.owner}" is not the issuer ` +
        `"${issuer.id}"`);
    }
    if(issuer.publicKey !== undefined) {
      const listed = [].concat(issuer.publicKey).map(
        k => (k && typeof k === 'object') ? k.id : k);
      if(!listed.includes(creator)) {
        errors.push(`issuer.publicKey does not list "${creator}"`);
      }
    } else {
      out.warnings.push('issuer profile has no "publicKey" listing the key');
    }
  }
  // revocation list
  if(issuer) {
    if(issuer.revocationList === undefined) {
      out.revoked = false;
      out.warnings.push('issuer has no revocationList');
    } else {
      const listErrors = [];
      const list = await resolveNode(
        issuer.revocationList, ctx, 'revocationList', listErrors);
      errors.push(...listErrors);
      if(list) {
        if(!typeIncludes(list, 'RevocationList')) {
          errors.push('revocationList: type must be "RevocationList"');
        }
        const entries = [].concat(list.revokedAssertions || []);
        const hit = entries.find(e => e === assertion.id ||
          (e && typeof e === 'object' &&
            (e.id === assertion.id ||
              (e.uid !== undefined && e.uid === assertion.uid))));
        out.revoked = Boolean(hit);
        if(hit && typeof hit === 'object' && hit.revocationReason) {
          out.revocationReason = hit.revocationReason;
        }
      }
    }
  }
  if(assertion.revoked === true) {
    out.revoked = true;
  }
  out.verified = signatureOk && errors.length === 0;
  return out;
}

async function verifyOb2Hosted({assertion: local, item, ctx}) {
  const out = {verified: false, revoked: null, errors: [], warnings: []};
  const errors = out.errors;
  if(!local || typeof local !== 'object' || typeof local.id !== 'string') {
    errors.push('assertion must be a JSON object with an "id" URL');
    return out;
  }
  out.assertion_id = local.id;
  let hosted = null;
  try {
    hosted = await ctx.documentLoader.loadDocument(local.id);
  } catch(e) {
    if(e.status === 410) {
      out.revoked = true;
      out.warnings.push(`"${local.id}" answers 410 Gone (revoked)`);
    } else {
      errors.push(`hosted assertion "${local.id}" could not be loaded: ` +
        `${e.message}`);
    }
  }
  const assertion = hosted || local;
  if(hosted) {
    if(hosted.id !== local.id) {
      errors.push(`hosted assertion at "${local.id}" has id "${hosted.id}"`);
    }
    if(JSON.stringify(hosted) !== JSON.stringify(local)) {
      out.warnings.push('the hosted assertion differs from the given copy; ' +
        'the hosted copy was checked');
    }
  }
  const vtype = verificationType(assertion);
  if(vtype !== 'hosted' && vtype !== 'hostedbadge') {
    errors.push('assertion.verification.type must be "hosted"');
  }
  const {issuer} = await checkOb2Assertion(
    assertion, item, ctx, errors, {embedded: false});
  if(issuer && typeof issuer.id === 'string') {
    const ao = origin(assertion.id);
    const io = origin(issuer.id);
    const allowed = [].concat(
      (issuer.verification && issuer.verification.allowedOrigins) || []);
    const host = ao ? new URL(assertion.id).host : null;
    if(!ao || !io) {
      errors.push('assertion id and issuer id must be http(s) URLs for ' +
        'hosted verification');
    } else if(ao !== io && !allowed.includes(host)) {
      errors.push(`assertion origin ${ao} does not match issuer origin ${io}`);
    }
  }
  if(out.revoked === null) {
    out.revoked = assertion.revoked === true;
  }
  if(assertion.revoked === true && assertion.revocationReason) {
    out.revocationReason = assertion.revocationReason;
  }
  out.verified = errors.length === 0;
  return out;
}

// ------------------------------------------------------------------ baking

function crc32(buf) {
  let c;
  let crc = 0xffffffff;
  for(let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for(let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

// Returns the text of the one iTXt chunk with the keyword.
export function extractPngText(buf, keyword, errors) {
  if(buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error('not a PNG file');
  }
  const found = [];
  let pos = 8;
  let sawIend = false;
  while(pos + 12 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    if(pos + 12 + len > buf.length) {
      throw new Error(`truncated PNG chunk ${type}`);
    }
    const data = buf.subarray(pos + 8, pos + 8 + len);
    const crc = buf.readUInt32BE(pos + 8 + len);
    if(crc32(buf.subarray(pos + 4, pos + 8 + len)) !== crc) {
      errors.push(`PNG chunk ${type} at offset ${pos} has a bad CRC`);
    }
    if(type === 'iTXt' || type === 'tEXt') {
      const nul = data.indexOf(0);
      const kw = data.toString('latin1', 0, nul);
      if(kw === keyword) {
        if(type === 'tEXt') {
          errors.push(`keyword "${keyword}" is in a tEXt chunk; it must be ` +
            'an iTXt chunk');
          found.push(data.toString('latin1', nul + 1));
        } else {
          const compressed = data[nul + 1];
          let p = nul + 3;
          const langEnd = data.indexOf(0, p);
          p = langEnd + 1;
          const transEnd = data.indexOf(0, p);
          const raw = data.subarray(transEnd + 1);
          if(compressed) {
            errors.push(`iTXt "${keyword}" is compressed; the spec ` +
              'requires an uncompressed chunk');
            found.push(inflateSync(raw).toString('utf8'));
          } else {
            found.push(raw.toString('utf8'));
          }
        }
      }
    }
    if(type === 'IEND') {
      sawIend = true;
      break;
    }
    pos += 12 + len;
  }
  if(!sawIend) {
    errors.push('PNG has no IEND chunk');
  }
  if(found.length === 0) {
    throw new Error(`no iTXt chunk with keyword "${keyword}"`);
  }
  if(found.length > 1) {
    errors.push(`${found.length} chunks with keyword "${keyword}"; ` +
      'exactly one is allowed');
  }
  return found[0];
}

function xmlUnescape(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g,
    (m, e) => {
      if(e[0] === '#') {
        return String.fromCodePoint(e[1] === 'x' ?
          parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      }
      return {lt: '<', gt: '>', amp: '&', quot: '"', apos: '\''}[e];
    });
}

// Returns {text, verify} of the one <prefix:element> bound to namespace ns.
export function extractSvgElement(svg, ns, localName, errors) {
  const nsRe = /xmlns:([A-Za-z_][\w.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
  const prefixes = [];
  let m;
  while((m = nsRe.exec(svg))) {
    if((m[3] ?? m[4]) === ns) {
      prefixes.push(m[1]);
    }
  }
  if(prefixes.length === 0) {
    throw new Error(`SVG does not declare the namespace ${ns}`);
  }
  const hits = [];
  for(const prefix of uniq(prefixes)) {
    const el = new RegExp(
      `<${prefix}:${localName}(\\s[^>]*?)?(/>|>([\\s\\S]*?)</${prefix}:` +
      `${localName}\\s*>)`, 'g');
    while((m = el.exec(svg))) {
      hits.push(m);
    }
  }
  if(hits.length === 0) {
    throw new Error(`SVG has no <${prefixes[0]}:${localName}> element`);
  }
  if(hits.length > 1) {
    errors.push(`${hits.length} <${localName}> elements; exactly one is ` +
      'allowed');
  }
  const [, attrs = '', , body = ''] = hits[0];
  const vm = /\bverify\s*=\s*("([^"]*)"|'([^']*)')/.exec(attrs);
  const verify = vm ? xmlUnescape(vm[2] ?? vm[3]) : undefined;
  let text = body.trim();
  const cdata = /^<!\[CDATA\[([\s\S]*?)\]\]>$/.exec(text);
  text = cdata ? cdata[1] : xmlUnescape(text);
  return {text: text.trim(), verify};
}

// --------------------------------------------------------------- dispatch

function readItemFile(item, ctx, encoding) {
  if(typeof item.path !== 'string') {
    throw new HarnessError('item needs a "path"');
  }
  const p = isAbsolute(item.path) ? item.path : resolve(ctx.baseDir, item.path);
  if(!existsSync(p)) {
    throw new HarnessError(`item file not found: ${p}`);
  }
  return readFileSync(p, encoding);
}

function parseJsonOrError(text, what) {
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new Error(`${what} is not JSON: ${e.message}`);
  }
}

async function verifyOb2Text({text, item, ctx, bakeErrors}) {
  const t = text.trim();
  let r;
  if(t.startsWith('{')) {
    const assertion = parseJsonOrError(t, 'baked assertion');
    r = await verifyOb2Hosted({assertion, item, ctx});
    r.format = 'hosted';
  } else if(/^https?:\/\//.test(t)) {
    let assertion = null;
    try {
      assertion = await ctx.documentLoader.loadDocument(t);
    } catch(e) {
      if(e.status === 410) {
        return {verified: true, revoked: true, errors: bakeErrors,
          warnings: [`"${t}" answers 410 Gone`], format: 'url'};
      }
      throw e;
    }
    r = await verifyOb2Hosted({assertion, item, ctx});
    r.format = 'url';
  } else {
    r = await verifyOb2Jws({jws: t, item, ctx});
    r.format = 'jws';
  }
  r.errors = [...bakeErrors, ...r.errors];
  r.verified = r.verified && bakeErrors.length === 0;
  return r;
}

async function verifyItem(item, ctx) {
  const kind = item.kind;
  switch(kind) {
    case 'vc':
    case 'ob3':
    case 'ob3-status-list': {
      const cred = parseJsonOrError(readItemFile(item, ctx, 'utf8'),
        'credential');
      return verifyDataIntegrity({
        cred, item, ctx, ob3: kind === 'ob3',
        statusList: kind === 'ob3-status-list',
      });
    }
    case 'ob2-jws':
      return verifyOb2Jws({jws: readItemFile(item, ctx, 'utf8'), item, ctx});
    case 'ob2-hosted': {
      const assertion = parseJsonOrError(readItemFile(item, ctx, 'utf8'),
        'assertion');
      return verifyOb2Hosted({assertion, item, ctx});
    }
    case 'ob3-png':
    case 'ob3-svg': {
      const bakeErrors = [];
      let text;
      if(kind === 'ob3-png') {
        text = extractPngText(readItemFile(item, ctx), 'openbadgecredential',
          bakeErrors);
      } else {
        const el = extractSvgElement(readItemFile(item, ctx, 'utf8'),
          OB3_SVG_NS, 'credential', bakeErrors);
        text = el.text || el.verify || '';
      }
      const cred = parseJsonOrError(text, 'baked credential');
      const r = await verifyDataIntegrity({cred, item, ctx, ob3: true});
      r.errors = [...bakeErrors, ...r.errors];
      r.verified = r.verified && bakeErrors.length === 0;
      return r;
    }
    case 'ob2-png':
    case 'ob2-svg': {
      const bakeErrors = [];
      let text;
      if(kind === 'ob2-png') {
        text = extractPngText(readItemFile(item, ctx), 'openbadges',
          bakeErrors);
      } else {
        const el = extractSvgElement(readItemFile(item, ctx, 'utf8'),
          OB2_SVG_NS, 'assertion', bakeErrors);
        text = el.text || el.verify || '';
      }
      return verifyOb2Text({text, item, ctx, bakeErrors});
    }
    default:
      throw new HarnessError(`unknown kind ${JSON.stringify(kind)}`);
  }
}

function packageVersions() {
  const names = [
    '@digitalbazaar/vc', '@digitalbazaar/data-integrity',
    '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
    '@digitalbazaar/ed25519-multikey',
    '@digitalbazaar/vc-bitstring-status-list', 'jsonld-signatures', 'jsonld',
    'rdf-canonize', 'jose',
  ];
  const out = {node: process.version};
  for(const n of names) {
    try {
      out[n] = readJsonFile(join(HERE, 'node_modules', n, 'package.json'))
        .version;
    } catch {
      out[n] = null;
    }
  }
  return out;
}

async function readRequest(argv) {
  let text;
  let baseDir = process.cwd();
  if(argv.length > 0 && argv[0] !== '-') {
    text = readFileSync(argv[0], 'utf8');
    baseDir = dirname(resolve(argv[0]));
  } else {
    const chunks = [];
    for await (const c of process.stdin) {
      chunks.push(c);
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  let request;
  try {
    request = JSON.parse(text);
  } catch(e) {
    throw new HarnessError(`request is not JSON: ${e.message}`);
  }
  if(!request || !Array.isArray(request.items)) {
    throw new HarnessError('request needs an "items" array');
  }
  return {request, baseDir};
}

async function main() {
  const {request, baseDir} = await readRequest(process.argv.slice(2));
  const warnings = [];
  const contextsDir = request.contextsDir ||
    process.env.INTEROP_CONTEXTS_DIR || DEFAULT_CONTEXTS_DIR;
  const contexts = buildContextMap(contextsDir, warnings);
  const documents = request.documents || {};
  if(typeof documents !== 'object' || Array.isArray(documents)) {
    throw new HarnessError('"documents" must be an object');
  }
  for(const [url, entry] of Object.entries(documents)) {
    const p = typeof entry === 'string' ? entry :
      (entry && typeof entry === 'object' && typeof entry.path === 'string') ?
        entry.path : null;
    if(p === null) {
      if(!(entry && typeof entry === 'object' &&
        ('json' in entry || 'status' in entry))) {
        throw new HarnessError(`bad "documents" entry for ${url}`);
      }
    } else if(!existsSync(isAbsolute(p) ? p : resolve(baseDir, p))) {
      throw new HarnessError(`"documents" file for ${url} not found: ${p}`);
    }
  }
  const ctx = {
    documentLoader: createDocumentLoader({contexts, documents, baseDir}),
    now: request.now, baseDir,
  };
  const results = [];
  for(const item of request.items) {
    const base = {path: item.path, kind: item.kind};
    try {
      const r = await verifyItem(item, ctx);
      r.errors = uniq(r.errors);
      results.push({...base, ...r});
    } catch(e) {
      if(e instanceof HarnessError) {
        throw e;
      }
      results.push({
        ...base, verified: false, revoked: null,
        errors: describeError(e), warnings: [],
      });
    }
  }
  process.stdout.write(JSON.stringify({
    results, versions: packageVersions(), contextsDir,
    contexts: [...contexts.keys()], warnings,
  }, null, 2) + '\n');
}

main().catch(e => {
  process.stderr.write(`verify.mjs: ${e && e.stack || e}\n`);
  process.exit(2);
});
