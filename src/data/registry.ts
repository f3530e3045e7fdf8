import { UserError } from '../util/errors.js';

/** Where a data set's files come from. */
export type DataSource =
  | { kind: 'hub'; repo: string; revision: string; gated?: boolean }
  | { kind: 'github'; repo: string; commit: string };

/** One file of a data set; `records` is the file whose decoded rows are hashed and loaded. */
export interface DataFile {
  path: string;
  role: 'records' | 'extra';
  /** Known pin: sha256 of the decoded rows (records) or of the bytes (extra); undefined = unverified. */
  sha256?: string;
}

export interface DatasetSpec {
  /** Full name as a command takes it, e.g. `bigcodebench@v0.1.4`. */
  name: string;
  family: string;
  description: string;
  licence: string;
  source: DataSource;
  files: DataFile[];
  /** A file listing pattern, for data sets whose file names are not known beforehand. */
  listPattern?: RegExp;
  rows?: number;
  /** Hash only these fields of each row (the Hub file carries more columns). */
  hashFields?: readonly string[];
  /** Fetched only when the user asks for it by name (no licence allows us to ship or pre-fetch it). */
  explicitOnly?: boolean;
  /** How the pin was obtained, when not from the data set's own file. */
  pinNote?: string;
}

export const BIGCODEBENCH_VERSIONS = ['v0.1.0_hf', 'v0.1.1', 'v0.1.2', 'v0.1.3', 'v0.1.4'] as const;
export const BIGCODEBENCH_DEFAULT_VERSION = 'v0.1.4';
export const BIGCODEBENCH_FIELDS = ['task_id', 'complete_prompt', 'instruct_prompt', 'canonical_solution', 'code_prompt', 'test', 'entry_point', 'doc_struct', 'libs'] as const;

/** Records pins (sha256 of the decoded rows), computed from reference copies of each file. */
const BCB_PINS: Partial<Record<string, string>> = {
  'v0.1.0_hf': '3f684a90957564701550085cdc45672bd05c8b360e9c599d01c8a3167f723667',
  'v0.1.4': '0877e9216fed1730a97bada5f7c7e9b0024a06532c13ee1158e8569a66fe7dc9',
};
const BCB_HARD_PINS: Partial<Record<string, string>> = {
  'v0.1.0_hf': 'c7af25d0f95e67fef9859f3bf7f460032d42374fb59889187ffad8bbbd00c773',
  'v0.1.4': 'c52e1dc6c59017a823cf724911d3298720bbbb5dd261817f52a34b7cefcc1da8',
};

/** CodeGlance sets: file names in its repository, pins, and the API documentation of the RAG variants. */
export const CODEGLANCE_SETS = {
  ds1000: { file: 'DS1000_reasoning.jsonl', sha256: 'e1a5b064a5eb1aed8344c017b8149062105e10f1febc186568c6f09fa554a70d', rows: 1019 },
  pannum: {
    file: 'PanNumEval_reasoning.jsonl', sha256: 'c8974a033d6c7a7c5896e79110dbd2f26327343bf80054f9e3bd6414cffe4fea', rows: 50,
    rag: { file: 'PanNumEval_RAG.json', sha256: 'fee1f389232ac254be0c3a75aed07dc6afb2a5d7705fe007a609e4376be0ef47' },
  },
  monkbeat: {
    file: 'MonkBeatEval_reasoning.jsonl', sha256: '1996cc476fc374e6c95b62318cc3f042f665f6c078e0c67a65d4b82f8c86015a', rows: 50,
    rag: { file: 'MonkBeatEval_RAG.json', sha256: '84c522c6da9598a61b570de5f91b6f53efeed7a31de5aa297a2e0dc4b31404f6' },
  },
  torchdata: { file: 'torchdata_reasoning.jsonl', sha256: 'efd69017046cdc484b2db842b2443aa0911852d2f7a6fed892eae1c6704f3875', rows: 50 },
} as const;
export type CodeGlanceSet = keyof typeof CODEGLANCE_SETS;

const CODEGLANCE_COMMIT = 'aa2d7d4';

function bigcodebench(version: string, hard: boolean): DatasetSpec {
  const pin = (hard ? BCB_HARD_PINS : BCB_PINS)[version];
  return {
    name: `bigcodebench${hard ? '-hard' : ''}@${version}`,
    family: hard ? 'bigcodebench-hard' : 'bigcodebench',
    description: hard ? `BigCodeBench-Hard (148 tasks), split ${version}` : `BigCodeBench (1140 tasks), split ${version}`,
    licence: hard ? 'not stated (the full set is Apache-2.0)' : 'Apache-2.0',
    source: { kind: 'hub', repo: hard ? 'bigcode/bigcodebench-hard' : 'bigcode/bigcodebench', revision: 'main' },
    files: [{ path: `data/${version}-00000-of-00001.parquet`, role: 'records', ...(pin ? { sha256: pin } : {}) }],
    rows: hard ? 148 : 1140,
    hashFields: BIGCODEBENCH_FIELDS,
    ...(hard && pin ? { pinNote: 'derived: the full split filtered by the Hard ids, BigCodeBench fields only' } : {}),
  };
}

function codeglance(set: CodeGlanceSet): DatasetSpec {
  const s = CODEGLANCE_SETS[set];
  const files: DataFile[] = [{ path: `data/${s.file}`, role: 'records', sha256: s.sha256 }];
  if ('rag' in s) files.push({ path: `data/${s.rag.file}`, role: 'extra', sha256: s.rag.sha256 });
  return {
    name: `codeglance:${set}`, family: 'codeglance', description: `CodeGlance ${s.file.replace('_reasoning.jsonl', '')} (${s.rows} rows)`,
    licence: 'none declared (fetched only on request, never shipped)', source: { kind: 'github', repo: 'greenlight2000/CodeGlance', commit: CODEGLANCE_COMMIT },
    files, rows: s.rows, explicitOnly: true,
  };
}

const FIXED: Record<string, () => DatasetSpec> = {
  cruxeval: () => ({
    name: 'cruxeval', family: 'cruxeval', description: 'CRUXEval (800 functions, input and output prediction)', licence: 'MIT',
    source: { kind: 'hub', repo: 'cruxeval-org/cruxeval', revision: 'main' },
    files: [{ path: 'test.jsonl', role: 'records', sha256: 'b0b63fa36c203638e38c21f2884ffe0aba2299de93e79fa315682055f555d6a6' }], rows: 800,
  }),
  case2code: () => ({
    name: 'case2code', family: 'case2code', description: 'Case2Code test set (500 functions)', licence: 'Apache-2.0',
    source: { kind: 'github', repo: 'choosewhatulike/case2code', commit: 'main' },
    files: [{ path: 'dataset/test.jsonl', role: 'records', sha256: 'cb178240275a31a5a2257290cec9acf0cb4717e3f9f96f14c3977148c16c1957' }], rows: 500,
  }),
  convcodebench: () => ({
    name: 'convcodebench', family: 'convcodebench', description: 'ConvCodeBench reference logs (CodeLlama-7B-Instruct, 5 settings, one row)',
    licence: 'none declared', source: { kind: 'hub', repo: 'ConvCodeWorld/convcodebench', revision: 'main' },
    files: [{ path: 'data/train-00000-of-00001-86cafbcfcce85026.parquet', role: 'records' }], rows: 1,
  }),
  django: () => ({
    name: 'django', family: 'django', description: 'Django repository tasks (split test)', licence: 'unknown',
    source: { kind: 'hub', repo: 'anonauthor/django_multi_task', revision: 'main' },
    files: [], listPattern: /(^|\/)test[-.][^/]*\.(parquet|jsonl)$/,
  }),
};

/** Every name `data list` shows (one per BigCodeBench version and CodeGlance set). */
export function listDatasetNames(): string[] {
  return [
    ...BIGCODEBENCH_VERSIONS.map((v) => `bigcodebench@${v}`),
    ...BIGCODEBENCH_VERSIONS.map((v) => `bigcodebench-hard@${v}`),
    'cruxeval', ...Object.keys(CODEGLANCE_SETS).map((s) => `codeglance:${s}`), 'case2code', 'convcodebench', 'django',
  ];
}

const NAME_RE = /^([a-z0-9][a-z0-9-]*)(?:@([\w.-]+))?(?::([\w-]+))?$/;

/** True when the text reads as a data set name rather than a file path. */
export function looksLikeDatasetName(text: string): boolean {
  const m = NAME_RE.exec(text);
  return !!m && (m[1]! in FIXED || m[1] === 'bigcodebench' || m[1] === 'bigcodebench-hard' || m[1] === 'codeglance');
}

/** The spec of a name such as `bigcodebench@v0.1.0_hf`, `bigcodebench-hard`, `codeglance:ds1000`. */
export function datasetSpec(name: string): DatasetSpec {
  const m = NAME_RE.exec(name);
  const known = listDatasetNames().join(', ');
  if (!m) throw new UserError('UNKNOWN_DATASET', `unknown data set "${name}" (known: ${known}; or give a file path)`);
  const [, base, version, set] = m;
  if (base === 'bigcodebench' || base === 'bigcodebench-hard') {
    if (set) throw new UserError('UNKNOWN_DATASET', `${name}: ${base} takes a version (@${BIGCODEBENCH_VERSIONS.join(', @')}), not a set`);
    const v = version ?? BIGCODEBENCH_DEFAULT_VERSION;
    if (!(BIGCODEBENCH_VERSIONS as readonly string[]).includes(v)) throw new UserError('UNKNOWN_DATASET', `${name}: unknown ${base} version ${v} (known: ${BIGCODEBENCH_VERSIONS.join(', ')})`);
    return bigcodebench(v, base === 'bigcodebench-hard');
  }
  if (base === 'codeglance') {
    if (!set || !(set in CODEGLANCE_SETS)) throw new UserError('UNKNOWN_DATASET', `${name}: name a CodeGlance set (codeglance:${Object.keys(CODEGLANCE_SETS).join(', codeglance:')})`);
    if (version) throw new UserError('UNKNOWN_DATASET', `${name}: CodeGlance is pinned at commit ${CODEGLANCE_COMMIT}; no @version`);
    return codeglance(set as CodeGlanceSet);
  }
  const make = FIXED[base!];
  if (!make || version || set) throw new UserError('UNKNOWN_DATASET', `unknown data set "${name}" (known: ${known}; or give a file path)`);
  return make();
}

/** The Hard counterpart of a BigCodeBench name (what `--subset hard` selects). */
export function hardVariant(name: string): string | undefined {
  const spec = datasetSpec(name);
  if (spec.family === 'bigcodebench-hard') return spec.name;
  if (spec.family !== 'bigcodebench') return undefined;
  return spec.name.replace('bigcodebench@', 'bigcodebench-hard@');
}
