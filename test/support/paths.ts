// Where things are, independent of the working directory and of which test folder asks.
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** The repository root (this file is test/support/paths.ts). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
