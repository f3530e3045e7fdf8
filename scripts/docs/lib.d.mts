// Types of lib.mjs for the tests in test/docs.
export interface Block { key: string; lang: string; body: string; bodyStart: number; bodyEnd: number }
export interface Check { file: string; block: Block; actual: string }
export const ROOT: string;
export function docFiles(root?: string): string[];
export function markedBlocks(text: string, kind: string): Block[];
export function replaceBodies(text: string, replacements: { block: Block; body: string }[]): string;
export function commands(root?: string): Record<string, string>;
export function normalizeOutput(text: string, root?: string): string;
export function helpOf(key: string, root?: string): Promise<string>;
export function helpChecks(root?: string): Promise<Check[]>;
export function mapLimit<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]>;
export function masked(text: string): string;
export const OUTPUTS: Record<string, { shown: string; run(root?: string, text?: string): Promise<string> }>;
export function outputChecks(keys: string[], root?: string): Promise<Check[]>;
export function syncedBody(pasted: string, actual: string): string;
export function namedThings(text: string): { paths: string[]; scripts: string[]; commands: string[] };
export function missingNames(root?: string, files?: string[]): string[];
export function slug(heading: string): string;
export function anchorsOf(text: string): Set<string>;
export function brokenLinks(root?: string, files?: string[]): string[];
export function subcommandsOf(help: string): string[];
