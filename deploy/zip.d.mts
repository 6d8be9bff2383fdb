// Types of zip.mjs, for the TypeScript tests.

/** DOS time 00:00:00: every entry is stamped 1980-01-01 00:00:00 so equal inputs give equal archives. */
export declare const FIXED_DOS_TIME: number;
/** DOS date 1980-01-01. */
export declare const FIXED_DOS_DATE: number;
/** CRC-32 (IEEE): `zlib.crc32` where Node has it, else {@link crc32Table}. */
export declare function crc32(data: Uint8Array): number;
/** CRC-32 (IEEE) from a lookup table: the fallback for Node versions without `zlib.crc32`. */
export declare function crc32Table(data: Uint8Array): number;
/** Build a ZIP archive (deflate or stored, no ZIP64) of `entries`, in order. */
export declare function createZip(entries: ReadonlyArray<{name: string; data: Uint8Array | string}>): Buffer;

export type ZipEntry = {name: string; data: Buffer; method: number; dosTime: number; dosDate: number; unixMode: number};
/** Read a plain (non-ZIP64, unencrypted) archive, verifying headers, sizes and CRC-32. */
export declare function readZip(archive: Uint8Array): ZipEntry[];
