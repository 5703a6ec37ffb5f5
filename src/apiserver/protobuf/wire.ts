// Protobuf wire-format reading: bounds-checked, never throws anything but ProtobufWireError.

export class ProtobufWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufWireError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8');

/** A cursor over one protobuf message (a view: no bytes are copied). */
export class Reader {
  pos: number;
  /** Low and high 32 bits of the last varint read (unsigned). */
  lo = 0;
  hi = 0;
  private view: DataView | undefined;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufWireError('truncated varint');
    return this.buf[this.pos++]!;
  }

  /** Reads a varint into lo/hi. */
  varint(): void {
    let b = this.byte();
    let lo = b & 0x7f;
    if (b < 0x80) { this.lo = lo; this.hi = 0; return; }
    b = this.byte(); lo |= (b & 0x7f) << 7;
    if (b < 0x80) { this.lo = lo; this.hi = 0; return; }
    b = this.byte(); lo |= (b & 0x7f) << 14;
    if (b < 0x80) { this.lo = lo; this.hi = 0; return; }
    b = this.byte(); lo |= (b & 0x7f) << 21;
    if (b < 0x80) { this.lo = lo >>> 0; this.hi = 0; return; }
    b = this.byte(); lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) { this.lo = lo >>> 0; this.hi = hi; return; }
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) { this.lo = lo >>> 0; this.hi = hi >>> 0; return; }
    }
    throw new ProtobufWireError('varint longer than 10 bytes');
  }

  /** A varint that must fit in a non-negative safe integer (tags, lengths). */
  uvarint(): number {
    this.varint();
    if (this.hi >= 0x200000) throw new ProtobufWireError('varint out of range');
    return this.hi * 0x1_0000_0000 + this.lo;
  }

  fixed32(): void {
    if (this.end - this.pos < 4) throw new ProtobufWireError('truncated fixed32');
    const b = this.buf, p = this.pos;
    this.lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.hi = 0;
    this.pos += 4;
  }

  fixed64(): void {
    if (this.end - this.pos < 8) throw new ProtobufWireError('truncated fixed64');
    const b = this.buf, p = this.pos;
    this.lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    this.hi = (b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24)) >>> 0;
    this.pos += 8;
  }

  float32At(p: number): number {
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view.getFloat32(p, true);
  }

  float64At(p: number): number {
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view.getFloat64(p, true);
  }

  /** A length-delimited payload as [start, end) offsets into buf. */
  lengthDelimited(): [number, number] {
    const len = this.uvarint();
    if (len > this.end - this.pos) throw new ProtobufWireError(`length ${len} runs past the end of the message`);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /** Reads a tag; returns [fieldNumber, wireType]. */
  tag(): [number, number] {
    const key = this.uvarint();
    const num = Math.floor(key / 8);
    const wt = key & 7;
    if (num === 0) throw new ProtobufWireError('field number 0');
    if (num > 0x1fffffff) throw new ProtobufWireError('field number out of range');
    return [num, wt];
  }

  /** Skips the value of a field of the given wire type (an unknown field). */
  skip(wireType: number, fieldNumber: number, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT: this.varint(); return;
      case WIRE_FIXED64: this.fixed64(); return;
      case WIRE_LEN: this.lengthDelimited(); return;
      case WIRE_FIXED32: this.fixed32(); return;
      case WIRE_START_GROUP: {
        if (depth > 32) throw new ProtobufWireError('groups nested too deeply');
        for (;;) {
          const [n, wt] = this.tag();
          if (wt === WIRE_END_GROUP) {
            if (n !== fieldNumber) throw new ProtobufWireError('mismatched end group');
            return;
          }
          this.skip(wt, n, depth + 1);
        }
      }
      default:
        throw new ProtobufWireError(`invalid wire type ${wireType}`);
    }
  }
}

export function utf8Text(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, end));
}
