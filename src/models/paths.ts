import { fileURLToPath } from 'node:url';

/** Package root: two levels above this file in both src/models and dist/models. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../.cache/responses', import.meta.url));
export const DEFAULT_PRICES_FILE = fileURLToPath(new URL('../../resources/prices.yaml', import.meta.url));
