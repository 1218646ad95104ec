#!/usr/bin/env node
/*
 * The reference side of the engine's conformance tests: canonicalise or sign
 * documents with Digital Bazaar's eddsa-rdfc-2022 cryptosuite (JSON-LD safe
 * mode, rdfDirection i18n-datatype, offline), so Python can compare bytes.
 *
 *   echo '{"items": [...]}' | node canon_sign.mjs
 *
 * Items:
 *   {"op": "canonize", "doc": {...}}            -> {"ok": true, "nquads": "..."}
 *   {"op": "sign", "doc": {...}, "seed": "<64 hex>", "vm": "did:key:...#...",
 *    "created": "2025-01-01T00:00:00Z"}         -> {"ok": true, "signed": {...}}
 * A failure answers {"ok": false, "error": "..."} for that item.
 *
 * Contexts come from the engine's shipped copies (openedx_plugin/engine/
 * contexts) plus the ones bundled in the npm packages; "contexts" in the
 * request adds more (url -> document), e.g. the W3C examples context.
 */
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import {contexts as securityContexts} from '@digitalbazaar/security-context';
import jsigs from 'jsonld-signatures';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = resolve(HERE, '..', '..', 'openedx_plugin', 'engine',
  'contexts');
const SHIPPED = {
  'credentials-v2.json': 'https://www.w3.org/ns/credentials/v2',
  'ob-v3p0-context-3.0.3.json':
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  'multikey-v1.json': 'https://w3id.org/security/multikey/v1',
  'credentials-status-v1.json': 'https://www.w3.org/ns/credentials/status/v1',
  'did-v1.json': 'https://www.w3.org/ns/did/v1',
};

function contextMap(extra) {
  const map = new Map([...credentialsContexts, ...securityContexts]);
  for(const [file, url] of Object.entries(SHIPPED)) {
    const p = join(CONTEXTS_DIR, file);
    if(existsSync(p)) {
      map.set(url, JSON.parse(readFileSync(p, 'utf8')));
    }
  }
  for(const [url, doc] of Object.entries(extra || {})) {
    map.set(url, doc);
  }
  return map;
}

function loaderFor(map, keys) {
  return async url => {
    if(map.has(url)) {
      return {contextUrl: null, documentUrl: url,
        document: structuredClone(map.get(url))};
    }
    const base = url.split('#')[0];
    if(keys.has(base)) {
      const key = keys.get(base);
      const doc = url.includes('#') ?
        await key.export({publicKey: true, includeContext: true}) :
        {'@context': 'https://www.w3.org/ns/did/v1', id: base,
          assertionMethod: [key.id], verificationMethod: [
            await key.export({publicKey: true})]};
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    throw new Error(`offline loader: no document for ${url}`);
  };
}

async function run(item, map) {
  const keys = new Map();
  if(item.op === 'canonize') {
    const nquads = await eddsaRdfc2022.canonize(item.doc, {
      documentLoader: loaderFor(map, keys), safe: true, base: null,
    });
    return {ok: true, nquads};
  }
  if(item.op === 'sign') {
    const controller = item.vm.split('#')[0];
    const key = await Ed25519Multikey.generate({
      seed: Buffer.from(item.seed, 'hex'), controller, id: item.vm,
    });
    keys.set(controller, key);
    const suite = new DataIntegrityProof({
      signer: key.signer(), cryptosuite: eddsaRdfc2022, date: item.created,
    });
    const signed = await jsigs.sign(structuredClone(item.doc), {
      suite, purpose: new jsigs.purposes.AssertionProofPurpose(),
      documentLoader: loaderFor(map, keys),
    });
    return {ok: true, signed};
  }
  throw new Error(`unknown op ${item.op}`);
}

const chunks = [];
for await (const c of process.stdin) {
  chunks.push(c);
}
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const map = contextMap(request.contexts);
const results = [];
for(const item of request.items) {
  try {
    results.push(await run(item, map));
  } catch(e) {
    results.push({ok: false, error: String(e && (e.stack || e.message) || e)});
  }
}
process.stdout.write(JSON.stringify({results}) + '\n');
