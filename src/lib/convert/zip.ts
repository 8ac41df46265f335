/**
 * Minimal ZIP reader for the archives `torch.save` writes since PyTorch 1.6 (stored entries, optional
 * ZIP64 records, data aligned with padding in the local extra field). Deflated entries are inflated with
 * fflate (the same code in browsers, workers and Node), which torch never writes but other zip tools might.
 */
import { inflateSync } from 'fflate';

export interface ZipEntry {
	name: string;
	method: number;
	compressedSize: number;
	size: number;
	localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function isZip(bytes: Uint8Array): boolean {
	return (
		bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
	);
}

export class ZipArchive {
	readonly entries = new Map<string, ZipEntry>();
	private readonly view: DataView;

	constructor(private readonly bytes: Uint8Array) {
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const eocd = this.findEndOfCentralDirectory();
		let count = this.view.getUint16(eocd + 10, true);
		let offset = this.view.getUint32(eocd + 16, true);
		const locator = eocd - 20;
		if (locator >= 0 && this.view.getUint32(locator, true) === EOCD64_LOCATOR) {
			const eocd64 = this.u64(locator + 8);
			if (this.view.getUint32(eocd64, true) !== EOCD64) throw new Error('zip: bad ZIP64 end record');
			count = this.u64(eocd64 + 32);
			offset = this.u64(eocd64 + 48);
		}
		for (let i = 0; i < count; i++) {
			this.check(offset, 46);
			if (this.view.getUint32(offset, true) !== CENTRAL) throw new Error('zip: bad central directory entry');
			const method = this.view.getUint16(offset + 10, true);
			let compressedSize = this.view.getUint32(offset + 20, true);
			let size = this.view.getUint32(offset + 24, true);
			const nameLength = this.view.getUint16(offset + 28, true);
			const extraLength = this.view.getUint16(offset + 30, true);
			const commentLength = this.view.getUint16(offset + 32, true);
			let localHeaderOffset = this.view.getUint32(offset + 42, true);
			this.check(offset + 46, nameLength + extraLength);
			const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
			// ZIP64 extended information: present fields replace the 0xffffffff placeholders, in order.
			let extra = offset + 46 + nameLength;
			const extraEnd = extra + extraLength;
			while (extra + 4 <= extraEnd) {
				const id = this.view.getUint16(extra, true);
				const length = this.view.getUint16(extra + 2, true);
				if (id === 0x0001) {
					let field = extra + 4;
					if (size === 0xffffffff) {
						size = this.u64(field);
						field += 8;
					}
					if (compressedSize === 0xffffffff) {
						compressedSize = this.u64(field);
						field += 8;
					}
					if (localHeaderOffset === 0xffffffff) localHeaderOffset = this.u64(field);
				}
				extra += 4 + length;
			}
			this.entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
			offset = extraEnd + commentLength;
		}
	}

	read(name: string): Uint8Array {
		const entry = this.entries.get(name);
		if (!entry) throw new Error(`zip: no entry ${name}`);
		const at = entry.localHeaderOffset;
		this.check(at, 30);
		if (this.view.getUint32(at, true) !== LOCAL) throw new Error(`zip: bad local header for ${name}`);
		const start = at + 30 + this.view.getUint16(at + 26, true) + this.view.getUint16(at + 28, true);
		this.check(start, entry.compressedSize);
		const raw = this.bytes.subarray(start, start + entry.compressedSize);
		if (entry.method === 0) return raw;
		if (entry.method === 8) return inflateSync(raw, { out: new Uint8Array(entry.size) });
		throw new Error(`zip: unsupported compression method ${entry.method} for ${name}`);
	}

	private findEndOfCentralDirectory(): number {
		const last = this.bytes.length - 22;
		for (let at = last; at >= Math.max(0, last - 0xffff); at--) {
			if (this.view.getUint32(at, true) === EOCD) return at;
		}
		throw new Error('zip: end of central directory not found (truncated file?)');
	}

	private u64(at: number): number {
		this.check(at, 8);
		const v = this.view.getBigUint64(at, true);
		if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('zip: offset too large');
		return Number(v);
	}

	private check(at: number, length: number): void {
		if (at < 0 || at + length > this.bytes.length) throw new Error('zip: truncated archive');
	}
}
