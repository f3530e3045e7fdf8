import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { readJsonRows, readParquetRows, referenceFromConvCodeBench, type ImportOptions } from './convcodebench.js';
import { isRunDir, referenceFromRunDir } from './from-run.js';
import { looksLikeReferenceFile, parseReferenceFile, readReferenceText, referenceHash } from './reference-file.js';
import { ReferenceSchema, type LoadedReference } from './types.js';

/**
 * Loads a reference from any of its forms: a run-world run directory, a frozen reference file
 * (.json / .json.gz, verified against its content hash), or the published ConvCodeBench layout
 * (.parquet, or .json / .jsonl rows).
 */
export async function loadReference(path: string, o: ImportOptions = {}): Promise<LoadedReference> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UserError('ENOENT', `reference ${path}: no such file or directory`);
  if (statSync(file).isDirectory()) {
    if (!isRunDir(file)) throw new UserError('BAD_REFERENCE', `reference ${path}: a directory must be a run-world run (config.yaml + episodes.jsonl)`);
    const { reference, datasetPath } = referenceFromRunDir(file);
    if (o.referenceModel) reference.reference_model = o.referenceModel;
    return { reference, sha256: referenceHash(reference), file, ...(datasetPath ? { datasetPath } : {}) };
  }
  if (/\.parquet$/i.test(file)) {
    const { rows, meta } = await readParquetRows(file);
    const reference = ReferenceSchema.parse(referenceFromConvCodeBench(rows, file, 'convcodebench-parquet', o, meta));
    return { reference, sha256: referenceHash(reference), file };
  }
  const text = readReferenceText(file);
  if (looksLikeReferenceFile(text)) {
    const { reference, sha256 } = parseReferenceFile(text, path);
    return { reference, sha256, file };
  }
  if (/\.(json|jsonl)(\.gz)?$/i.test(file)) {
    const reference = ReferenceSchema.parse(referenceFromConvCodeBench(readJsonRows(text, file.replace(/\.gz$/, '')), file, 'convcodebench-json', o));
    return { reference, sha256: referenceHash(reference), file };
  }
  throw new UserError('BAD_REFERENCE', `reference ${path}: expected a run directory, a reference file (.json), or ConvCodeBench logs (.parquet, .json)`);
}
