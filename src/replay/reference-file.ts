import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeFileAtomic } from '../run/atomic.js';
import { UserError } from '../util/errors.js';
import { canonicalJson, sha256 } from './canonical.js';
import { REFERENCE_FORMAT, REFERENCE_VERSION, REFERENCE_VERSIONS_READ, ReferenceSchema, type Reference, type ReferenceFile } from './types.js';

/** Content hash of a reference payload: sha256 of its canonical JSON. */
export function referenceHash(ref: Reference): string {
  return sha256(canonicalJson(ref));
}

/**
 * Writes a frozen reference: one compact JSON object (format, version, content hash, payload),
 * gzip-compressed when the file name ends in .gz. Written whole or not at all (writeFileAtomic).
 */
export function writeReferenceFile(file: string, ref: Reference): ReferenceFile {
  const payload = ReferenceSchema.parse(ref);
  const doc: ReferenceFile = { format: REFERENCE_FORMAT, version: REFERENCE_VERSION, content_sha256: referenceHash(payload), payload };
  // Header fields first, so even a truncated file says what it was.
  const text = `{"format":${JSON.stringify(doc.format)},"version":${doc.version},"content_sha256":${JSON.stringify(doc.content_sha256)},"payload":${canonicalJson(payload)}}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, file.endsWith('.gz') ? gzipSync(text) : text);
  return doc;
}

/** Whether a text is (the start of) a frozen reference file. */
export function looksLikeReferenceFile(text: string): boolean {
  return text.trimStart().startsWith(`{"format":${JSON.stringify(REFERENCE_FORMAT)}`) || /"format"\s*:\s*"codeconv-convcodebench-reference"/.test(text.slice(0, 200));
}

/** Reads the text of a reference file (gunzipping .gz); a broken gzip stream reads as truncation. */
export function readReferenceText(file: string): string {
  const buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf).toString('utf8');
    } catch {
      throw hashMismatch(file);
    }
  }
  return buf.toString('utf8');
}

const hashMismatch = (file: string): UserError => new UserError('REFERENCE_HASH', `reference file ${file}: content hash mismatch (edited or truncated)`);

/** Parses and verifies a frozen reference: format, version, content hash, then the payload's shape. */
export function parseReferenceFile(text: string, file: string): { reference: Reference; sha256: string } {
  let doc: Partial<ReferenceFile>;
  try {
    doc = JSON.parse(text) as Partial<ReferenceFile>;
  } catch {
    if (looksLikeReferenceFile(text)) throw hashMismatch(file);
    throw new UserError('BAD_REFERENCE', `reference file ${file}: not valid JSON`);
  }
  if (!doc || typeof doc !== 'object' || doc.format !== REFERENCE_FORMAT) {
    throw new UserError('BAD_REFERENCE', `reference file ${file}: not a ${REFERENCE_FORMAT} file`);
  }
  if (!REFERENCE_VERSIONS_READ.includes(doc.version as number)) {
    throw new UserError('BAD_REFERENCE', `reference file ${file}: format version ${String(doc.version)} is not supported (this build reads versions ${REFERENCE_VERSIONS_READ.join(', ')})`);
  }
  if (typeof doc.content_sha256 !== 'string' || doc.payload === undefined) throw hashMismatch(file);
  const actual = sha256(canonicalJson(doc.payload));
  if (actual !== doc.content_sha256) throw hashMismatch(file);
  const parsed = ReferenceSchema.safeParse(doc.version === 1 ? fromVersion1(doc.payload) : doc.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError('BAD_REFERENCE', `reference file ${file}: field "${issue.path.join('.')}": ${issue.message}`);
  }
  return { reference: parsed.data, sha256: actual };
}

/** A version-1 payload in version 2's terms: compat convcodeworld was that protocol's quirks, none the corrected one. */
function fromVersion1(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return payload;
  const { compat, ...rest } = payload as Record<string, unknown>;
  return { ...rest, protocol: compat === 'convcodeworld' ? 'convcodeworld' : 'clean', prompts_sha256: null };
}
