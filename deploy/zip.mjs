// A minimal, reproducible ZIP writer (PKWARE APPNOTE 6.3.x, no ZIP64, no encryption): enough for an SCF
// code package of one or a few files, with no new dependency.
import zlib from 'node:zlib';

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** 2.0: the lowest version that knows deflate and folders. */
const VERSION_NEEDED = 20;
/** Upper byte 3 = Unix, so `unzip` and SCF honour the mode bits in the external attributes. */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** General purpose bit 11: names are UTF-8. */
const FLAG_UTF8 = 0x0800;
/** `-rw-r--r--` regular file, in the upper 16 bits as Info-ZIP writes it. */
const UNIX_FILE_MODE = 0o100644;
/** ZIP without ZIP64 stores sizes and offsets in 32 bits and counts in 16. */
const MAX_32 = 0xffff_ffff;
const MAX_16 = 0xffff;

/**
The DOS date/time of 1980-01-01 00:00:00, the earliest a ZIP can say. Every entry gets it, so the same
input bytes always give the same archive bytes (and the same SHA-256, which deploy compares).
*/
export const FIXED_DOS_TIME = 0;
export const FIXED_DOS_DATE = (0 << 9) | (1 << 5) | 1;

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

/** CRC-32 (IEEE): `zlib.crc32` where Node has it (≥ 20.15 / 22.2), else {@link crc32Table}. */
export function crc32(data) {
	return typeof zlib.crc32 === 'function' ? zlib.crc32(data) >>> 0 : crc32Table(data);
}

/** CRC-32 (IEEE) from a 256-entry table: the fallback for Node 18 (SCF's runtime line) and older 20.x. */
export function crc32Table(data) {
	let crc = 0xffff_ffff;
	for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffff_ffff) >>> 0;
}

/**
Build a ZIP archive in memory.

@param {{name: string, data: Uint8Array | string}[]} entries Files, in archive order. Names use `/`,
are relative, and must be unique.
@returns {Buffer}
*/
export function createZip(entries) {
	if (entries.length > MAX_16) throw new RangeError(`zip: ${entries.length} entries is more than ZIP without ZIP64 holds (${MAX_16})`);
	const seen = new Set();
	const locals = [];
	const centrals = [];
	let offset = 0;
	for (const entry of entries) {
		const name = checkName(entry.name, seen);
		const nameBytes = Buffer.from(name, 'utf8');
		const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
		const deflated = zlib.deflateRawSync(data, {level: zlib.constants.Z_BEST_COMPRESSION});
		// Store when deflate does not help (tiny or already-compressed files); readers handle both.
		const method = deflated.length < data.length ? METHOD_DEFLATED : METHOD_STORED;
		const body = method === METHOD_DEFLATED ? deflated : data;
		const crc = crc32(data);
		if (data.length > MAX_32 || body.length > MAX_32 || offset > MAX_32) throw new RangeError(`zip: ${name} is too large for ZIP without ZIP64`);

		const local = Buffer.alloc(30);
		local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
		local.writeUInt16LE(VERSION_NEEDED, 4);
		local.writeUInt16LE(FLAG_UTF8, 6);
		local.writeUInt16LE(method, 8);
		local.writeUInt16LE(FIXED_DOS_TIME, 10);
		local.writeUInt16LE(FIXED_DOS_DATE, 12);
		local.writeUInt32LE(crc, 14);
		local.writeUInt32LE(body.length, 18);
		local.writeUInt32LE(data.length, 22);
		local.writeUInt16LE(nameBytes.length, 26);
		local.writeUInt16LE(0, 28); // extra field length
		locals.push(local, nameBytes, body);

		const central = Buffer.alloc(46);
		central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
		central.writeUInt16LE(VERSION_MADE_BY, 4);
		central.writeUInt16LE(VERSION_NEEDED, 6);
		central.writeUInt16LE(FLAG_UTF8, 8);
		central.writeUInt16LE(method, 10);
		central.writeUInt16LE(FIXED_DOS_TIME, 12);
		central.writeUInt16LE(FIXED_DOS_DATE, 14);
		central.writeUInt32LE(crc, 16);
		central.writeUInt32LE(body.length, 20);
		central.writeUInt32LE(data.length, 24);
		central.writeUInt16LE(nameBytes.length, 28);
		central.writeUInt16LE(0, 30); // extra field length
		central.writeUInt16LE(0, 32); // comment length
		central.writeUInt16LE(0, 34); // disk number start
		central.writeUInt16LE(0, 36); // internal attributes
		central.writeUInt32LE((UNIX_FILE_MODE << 16) >>> 0, 38);
		central.writeUInt32LE(offset, 42);
		centrals.push(central, nameBytes);

		offset += local.length + nameBytes.length + body.length;
	}

	const centralDirectory = Buffer.concat(centrals);
	if (offset > MAX_32 || centralDirectory.length > MAX_32) throw new RangeError('zip: archive too large for ZIP without ZIP64');
	const end = Buffer.alloc(22);
	end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
	end.writeUInt16LE(0, 4); // this disk
	end.writeUInt16LE(0, 6); // disk with the central directory
	end.writeUInt16LE(entries.length, 8);
	end.writeUInt16LE(entries.length, 10);
	end.writeUInt32LE(centralDirectory.length, 12);
	end.writeUInt32LE(offset, 16);
	end.writeUInt16LE(0, 20); // comment length
	return Buffer.concat([...locals, centralDirectory, end]);
}

/** Names are archive paths: relative, `/`-separated, no `..`, so no reader can be led outside its folder. */
function checkName(name, seen) {
	if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.includes('\\') || name.split('/').some((part) => part === '..' || part === '')) {
		throw new TypeError(`zip: invalid entry name ${JSON.stringify(name)}`);
	}
	if (seen.has(name)) throw new TypeError(`zip: duplicate entry name ${JSON.stringify(name)}`);
	seen.add(name);
	return name;
}

/**
Read a ZIP archive written by {@link createZip} (or any plain, non-ZIP64, unencrypted one): the inverse,
for checking a package without trusting the writer. It follows the central directory, checks every local
header against it, inflates, and verifies sizes and CRC-32.

@param {Uint8Array} archive
@returns {{name: string, data: Buffer, method: number, dosTime: number, dosDate: number, unixMode: number}[]}
*/
export function readZip(archive) {
	const zip = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
	const MAX_COMMENT = 0xffff;
	let end = -1;
	for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - MAX_COMMENT); at--) {
		if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
			end = at;
			break;
		}
	}
	if (end < 0) throw new Error('zip: no end of central directory record');
	const count = zip.readUInt16LE(end + 10);
	const size = zip.readUInt32LE(end + 12);
	let at = zip.readUInt32LE(end + 16);
	if (at + size > end) throw new Error('zip: central directory overlaps its end record');
	const seen = new Set();
	const entries = [];
	for (let i = 0; i < count; i++) {
		if (zip.readUInt32LE(at) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`zip: bad central directory header #${i}`);
		const flags = zip.readUInt16LE(at + 8);
		const method = zip.readUInt16LE(at + 10);
		const dosTime = zip.readUInt16LE(at + 12);
		const dosDate = zip.readUInt16LE(at + 14);
		const crc = zip.readUInt32LE(at + 16);
		const compressedSize = zip.readUInt32LE(at + 20);
		const uncompressedSize = zip.readUInt32LE(at + 24);
		const nameLength = zip.readUInt16LE(at + 28);
		const extraLength = zip.readUInt16LE(at + 30);
		const commentLength = zip.readUInt16LE(at + 32);
		const unixMode = zip.readUInt32LE(at + 38) >>> 16;
		const localOffset = zip.readUInt32LE(at + 42);
		const name = checkName(zip.subarray(at + 46, at + 46 + nameLength).toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1'), seen);
		at += 46 + nameLength + extraLength + commentLength;
		if (flags & 0x0001) throw new Error(`zip: ${name} is encrypted`);

		if (zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw new Error(`zip: bad local header for ${name}`);
		const localNameLength = zip.readUInt16LE(localOffset + 26);
		const localExtraLength = zip.readUInt16LE(localOffset + 28);
		if (zip.readUInt16LE(localOffset + 8) !== method || zip.subarray(localOffset + 30, localOffset + 30 + localNameLength).toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1') !== name) {
			throw new Error(`zip: local header of ${name} disagrees with the central directory`);
		}
		const start = localOffset + 30 + localNameLength + localExtraLength;
		if (start + compressedSize > zip.length) throw new Error(`zip: ${name} runs past the end of the archive`);
		const body = zip.subarray(start, start + compressedSize);
		let data;
		if (method === METHOD_STORED) data = Buffer.from(body);
		else if (method === METHOD_DEFLATED) data = zlib.inflateRawSync(body);
		else throw new Error(`zip: ${name} uses unsupported method ${method}`);
		if (data.length !== uncompressedSize) throw new Error(`zip: ${name} is ${data.length} bytes, the directory says ${uncompressedSize}`);
		if (crc32(data) !== crc) throw new Error(`zip: CRC-32 mismatch in ${name}`);
		entries.push({name, data, method, dosTime, dosDate, unixMode});
	}
	return entries;
}
