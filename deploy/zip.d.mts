// Types of zip.mjs, for the TypeScript tests.

/** The time stamp of every entry: 1980-01-01 00:00:00 (local time, as fflate writes DOS fields). */
export declare const FIXED_MTIME: Date;
/** `-rw-r--r--` regular file. */
export declare const UNIX_FILE_MODE: number;
/** Build a ZIP archive of `entries`, in order; each entry deflated when that makes it smaller, else stored. */
export declare function createZip(entries: ReadonlyArray<{name: string; data: Uint8Array | string}>): Buffer;
export type ZipEntry = {name: string; data: Buffer};
/** The entries of an archive, in order; throws on a damaged archive. */
export declare function readZip(archive: Uint8Array): ZipEntry[];
