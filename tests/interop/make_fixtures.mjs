#!/usr/bin/env node
/*
 * Writes a self-consistent set of signed test documents into OUTDIR so the
 * Python tests can prove the verifier harness itself (did:web, did:key,
 * Bitstring Status List, OB 2.0 signed/hosted, baked PNG/SVG) without the
 * project's engine. Keys are derived from fixed seeds; nothing is fetched.
 *
 *   node make_fixtures.mjs OUTDIR   -> prints {"files": {...}, "documents": {...}}
 */
import {deflateSync, gzipSync} from 'node:zlib';
import {createHash, generateKeyPairSync} from 'node:crypto';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {CompactSign} from 'jose';

const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const VC2 = 'https://www.w3.org/ns/credentials/v2';
const HOST = 'badges.example.org%3A8443';
const DID_WEB = `did:web:${HOST}:issuer`;
const DID_WEB_URL = 'https://badges.example.org:8443/issuer/did.json';
const STATUS_URL = 'https://badges.example.org:8443/status/1';
const SMALL_STATUS_URL = 'https://badges.example.org:8443/status/small';
const OB2_BASE = 'https://badges.example.org';

const out = resolve(process.argv[2] || 'interop-fixtures');
mkdirSync(out, {recursive: true});
const files = {};
const documents = {};
const write = (name, data) => {
  const p = join(out, name);
  writeFileSync(p, typeof data === 'string' || Buffer.isBuffer(data) ?
    data : JSON.stringify(data, null, 2));
  files[name] = p;
  return p;
};

async function keyFromSeed(label, controller, id) {
  const seed = createHash('sha256').update(label).digest();
  return Ed25519Multikey.generate({seed, controller, id});
}

// documents the loader needs for contexts that are not bundled anywhere
// (none for these fixtures) are served from the repository's context dir.
const loaderFor = extra => async url => {
  if(extra[url]) {
    return {contextUrl: null, documentUrl: url, document: extra[url]};
  }
  return vc.defaultDocumentLoader(url);
};

function statusList(bits, setIndexes) {
  const bytes = Buffer.alloc(bits / 8);
  for(const i of setIndexes) {
    bytes[i >> 3] |= 0x80 >> (i & 7);
  }
  return 'u' + gzipSync(bytes).toString('base64url');
}

function ob3Credential({id, issuer, status, now = '2024-01-01T00:00:00Z'}) {
  const cred = {
    '@context': [VC2, OB3],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: {id: issuer, type: ['Profile'], name: 'Example University',
      url: 'https://badges.example.org'},
    validFrom: now,
    name: 'Interop Badge',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{
        type: 'IdentityObject', hashed: true, identityType: 'emailAddress',
        salt: 's4lt',
        identityHash: 'sha256$' + createHash('sha256')
          .update('learner@example.org' + 's4lt').digest('hex'),
      }],
      achievement: {
        id: 'https://badges.example.org/achievements/1',
        type: ['Achievement'], name: 'Interop',
        description: 'Shows interop.',
        criteria: {narrative: 'Pass the tests.'},
      },
    },
  };
  if(status !== undefined) {
    cred.credentialStatus = {
      id: `${status.url}#${status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(status.index),
      statusListCredential: status.url,
    };
  }
  return cred;
}

async function sign(credential, key, documentLoader) {
  const suite = new DataIntegrityProof({
    signer: key.signer(), cryptosuite,
    date: '2024-01-01T00:00:00Z',
  });
  return vc.issue({credential, suite, documentLoader});
}

// ---- did:web issuer, status list
const webKey = await keyFromSeed('did-web', DID_WEB, `${DID_WEB}#key-1`);
const didDoc = {
  '@context': ['https://www.w3.org/ns/did/v1',
    'https://w3id.org/security/multikey/v1'],
  id: DID_WEB,
  verificationMethod: [await webKey.export({publicKey: true,
    includeContext: false})],
  assertionMethod: [`${DID_WEB}#key-1`],
};
write('did.json', didDoc);
documents[DID_WEB_URL] = files['did.json'];

const loader = loaderFor({[DID_WEB]: didDoc});
// The signing loader only needs contexts: vc's own bundled ones + OB3 from
// the repository (read by the caller's request; here we embed it).
const ctxDir = process.env.INTEROP_CONTEXTS_DIR ||
  resolve(new URL('.', import.meta.url).pathname,
    '../../openedx_plugin/engine/contexts');
const ob3Ctx = JSON.parse(readFileSync(
  join(ctxDir, 'ob-v3p0-context-3.0.3.json'), 'utf8'));
const signLoader = loaderFor({[OB3]: ob3Ctx});

const slc = {
  '@context': [VC2],
  id: STATUS_URL,
  type: ['VerifiableCredential', 'BitstringStatusListCredential'],
  issuer: DID_WEB,
  validFrom: '2024-01-01T00:00:00Z',
  credentialSubject: {
    id: `${STATUS_URL}#list`,
    type: 'BitstringStatusList',
    statusPurpose: 'revocation',
    encodedList: statusList(131072, [5, 131071]),
  },
};
// status list issuer must match the credential issuer id: the OB3 issuer
// Profile's id is the DID
write('status-list.json', await sign(slc, webKey, signLoader));
documents[STATUS_URL] = files['status-list.json'];

const small = {...slc, id: SMALL_STATUS_URL, credentialSubject: {
  ...slc.credentialSubject, id: `${SMALL_STATUS_URL}#list`,
  encodedList: statusList(8, [5]),
}};
write('status-list-small.json', await sign(small, webKey, signLoader));
documents[SMALL_STATUS_URL] = files['status-list-small.json'];

write('ob3-web-active.json', await sign(ob3Credential({
  id: 'urn:uuid:00000000-0000-4000-8000-000000000001', issuer: DID_WEB,
  status: {url: STATUS_URL, index: 3}}), webKey, signLoader));
write('ob3-web-revoked.json', await sign(ob3Credential({
  id: 'urn:uuid:00000000-0000-4000-8000-000000000002', issuer: DID_WEB,
  status: {url: STATUS_URL, index: 5}}), webKey, signLoader));
write('ob3-web-small-list.json', await sign(ob3Credential({
  id: 'urn:uuid:00000000-0000-4000-8000-000000000003', issuer: DID_WEB,
  status: {url: SMALL_STATUS_URL, index: 5}}), webKey, signLoader));

// ---- did:key issuer, no status
const fp = (await (await keyFromSeed('did-key')).export({publicKey: true}))
  .publicKeyMultibase;
const didKey = `did:key:${fp}`;
const dk = await keyFromSeed('did-key', didKey, `${didKey}#${fp}`);
const didKeySigned = await sign(ob3Credential({
  id: 'urn:uuid:00000000-0000-4000-8000-000000000004', issuer: didKey}),
dk, signLoader);
write('ob3-didkey.json', didKeySigned);
// an undefined term inside a scoped context: dropped silently without safe
// mode; signed with a term added after signing is the "tamper" variant
const unsafe = structuredClone(didKeySigned);
unsafe.credentialSubject.achievement.notAnObTerm = 'x';
write('ob3-didkey-undefined-term.json', unsafe);

// ---- baked OB3
const ob3Json = JSON.stringify(didKeySigned);
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function crc32(buf) {
  let crc = ~0;
  for(const b of buf) {
    crc ^= b;
    for(let k = 0; k < 8; k++) {
      crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
  }
  return ~crc >>> 0;
}
function bakePng(keyword, text) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; ihdr[9] = 6;
  const idat = deflateSync(Buffer.from([0, 0, 0, 0, 0]));
  const itxt = Buffer.concat([Buffer.from(keyword, 'latin1'),
    Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr), pngChunk('iTXt', itxt), pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
write('ob3-baked.png', bakePng('openbadgecredential', ob3Json));
write('ob3-baked.svg',
  '<svg xmlns="http://www.w3.org/2000/svg" ' +
  'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" ' +
  'width="1" height="1"><openbadges:credential><![CDATA[' + ob3Json +
  ']]></openbadges:credential><rect width="1" height="1"/></svg>');

// ---- OB 2.0
const {privateKey, publicKey} = generateKeyPairSync('rsa',
  {modulusLength: 2048});
const issuer2 = {
  '@context': 'https://w3id.org/openbadges/v2', id: `${OB2_BASE}/ob2/issuer`,
  type: 'Issuer', name: 'Example University', url: OB2_BASE,
  email: 'badges@example.org', publicKey: `${OB2_BASE}/ob2/key`,
  revocationList: `${OB2_BASE}/ob2/revocations`,
};
const key2 = {
  '@context': 'https://w3id.org/openbadges/v2', id: `${OB2_BASE}/ob2/key`,
  type: 'CryptographicKey', owner: issuer2.id,
  publicKeyPem: publicKey.export({type: 'spki', format: 'pem'}),
};
const badge2 = {
  '@context': 'https://w3id.org/openbadges/v2', id: `${OB2_BASE}/ob2/badge`,
  type: 'BadgeClass', name: 'Interop', description: 'Shows interop.',
  image: `${OB2_BASE}/ob2/badge.png`, criteria: {narrative: 'Pass.'},
  issuer: issuer2.id,
};
const recipient2 = {type: 'email', hashed: true, salt: 'pepper',
  identity: 'sha256$' + createHash('sha256')
    .update('learner@example.org' + 'pepper').digest('hex')};
const assertion2 = id => ({
  '@context': 'https://w3id.org/openbadges/v2', id, type: 'Assertion',
  recipient: recipient2, badge: badge2.id, issuedOn: '2024-01-01T00:00:00Z',
  verification: {type: 'signed', creator: key2.id},
});
const signJws = async payload => new CompactSign(
  Buffer.from(JSON.stringify(payload))).setProtectedHeader({alg: 'RS256'})
  .sign(privateKey);
const revokedId = 'urn:uuid:00000000-0000-4000-8000-0000000000b2';
write('ob2-issuer.json', issuer2);
write('ob2-key.json', key2);
write('ob2-badge.json', badge2);
write('ob2-revocations.json', {
  '@context': 'https://w3id.org/openbadges/v2', id: issuer2.revocationList,
  type: 'RevocationList', issuer: issuer2.id,
  revokedAssertions: [{id: revokedId, revocationReason: 'Cheating'}],
});
documents[issuer2.id] = files['ob2-issuer.json'];
documents[key2.id] = files['ob2-key.json'];
documents[badge2.id] = files['ob2-badge.json'];
documents[issuer2.revocationList] = files['ob2-revocations.json'];
const jwsActive = await signJws(
  assertion2('urn:uuid:00000000-0000-4000-8000-0000000000b1'));
write('ob2-signed.jws', jwsActive);
write('ob2-signed-revoked.jws', await signJws(assertion2(revokedId)));
write('ob2-signed.png', bakePng('openbadges', jwsActive));
write('ob2-signed.svg',
  '<svg xmlns="http://www.w3.org/2000/svg" ' +
  'xmlns:openbadges="http://openbadges.org">' +
  `<openbadges:assertion verify="${jwsActive}"></openbadges:assertion>` +
  '</svg>');

const hosted = {...assertion2(`${OB2_BASE}/ob2/assertions/1`),
  verification: {type: 'hosted'}};
write('ob2-hosted.json', hosted);
documents[hosted.id] = files['ob2-hosted.json'];
const gone = {...hosted, id: `${OB2_BASE}/ob2/assertions/2`};
write('ob2-hosted-gone.json', gone);
documents[gone.id] = {status: 410};
const foreign = {...hosted, id: 'https://evil.example.net/ob2/assertions/3'};
write('ob2-hosted-foreign.json', foreign);
documents[foreign.id] = files['ob2-hosted-foreign.json'];
write('ob2-hosted.svg',
  '<svg xmlns="http://www.w3.org/2000/svg" ' +
  'xmlns:openbadges="http://openbadges.org">' +
  `<openbadges:assertion verify="${hosted.id}"><![CDATA[` +
  JSON.stringify(hosted) + ']]></openbadges:assertion></svg>');

process.stdout.write(JSON.stringify({files, documents, didKey, didWeb: DID_WEB},
  null, 2) + '\n');
