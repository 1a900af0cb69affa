/**
 * Typed arrays on a SharedArrayBuffer: the index of a list (its key run, the vendor's table) is
 * built once and read by the overlap worker thread as it is, without a copy.
 */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

export function sharedUint8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

export function sharedUint32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(length * 4));
}
