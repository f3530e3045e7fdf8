import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userCacheDir } from '../sandbox/paths.js';

/** Package root: two levels above this file in both src/models and dist/models. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Responses are cached in the user's cache directory, never inside the package. */
export const DEFAULT_CACHE_DIR = join(userCacheDir(), 'responses');
export const DEFAULT_PRICES_FILE = fileURLToPath(new URL('../../resources/prices.yaml', import.meta.url));
