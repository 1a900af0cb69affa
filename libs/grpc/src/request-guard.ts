import { isUtf8 } from 'node:buffer';
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DomainError, requestBoundsViolations, type FieldViolation } from '@prm/domain';
import { Reader, Root, Type } from 'protobufjs';

/*
 * The shell's own input checks, before any handler runs: the bytes of every string field are
 * valid UTF-8 (protobufjs would silently replace bad bytes with U+FFFD), the message parses at
 * all, and every string and list of the decoded request is within @prm/domain's bounds.
 */

const PROBLEMS = Symbol('prm.requestProblems');

/** The .proto files as protobufjs types, for walking the wire format of a request. */
export function loadProtoRoot(protoFiles: readonly string[], includeDirs: readonly string[]): Root {
  const root = new Root();
  const original = root.resolvePath.bind(root);
  root.resolvePath = (origin, target) => {
    if (isAbsolute(target)) return target;
    for (const dir of includeDirs) {
      const full = join(dir, target);
      try {
        accessSync(full, constants.R_OK);
        return full;
      } catch {
        continue;
      }
    }
    return original(origin, target);
  };
  root.loadSync([...protoFiles], { keepCase: false });
  root.resolveAll();
  return root;
}

/**
 * Paths of the string fields whose bytes are not valid UTF-8, walking the wire format with the
 * message type (nested messages too). Bytes fields are left alone: they are not text.
 */
export function invalidUtf8Fields(type: Type, bytes: Uint8Array, prefix = '', out: string[] = []): string[] {
  const reader = Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wire = tag & 7;
    const field = type.fieldsById[tag >>> 3];
    if (wire === 2 && field && (field.type === 'string' || field.resolvedType instanceof Type)) {
      const value = reader.bytes();
      const path = prefix + field.name;
      if (field.resolvedType instanceof Type) invalidUtf8Fields(field.resolvedType, value, `${path}.`, out);
      else if (!isUtf8(value) && !out.includes(path)) out.push(path);
    } else reader.skipType(wire);
  }
  return out;
}

/**
 * Wraps a method's request deserializer so that it never throws (grpc-js answers INTERNAL to a
 * throwing one): a message that does not parse, or has invalid UTF-8 in a string field, comes
 * out as an object carrying its problems, which checkRequest then refuses.
 */
export function guardedDeserializer(
  deserialize: (bytes: Buffer) => unknown,
  type: Type,
): (bytes: Buffer) => unknown {
  return (bytes) => {
    let message: unknown;
    let utf8: string[];
    try {
      message = deserialize(bytes);
      utf8 = invalidUtf8Fields(type, bytes);
    } catch {
      return { [PROBLEMS]: [{ field: 'request', reason: 'is not a valid protobuf message of this method' }] };
    }
    if (utf8.length > 0 && message !== null && typeof message === 'object')
      Object.defineProperty(message, PROBLEMS, {
        value: utf8.map((field) => ({ field, reason: 'must be valid UTF-8 text' })),
        enumerable: false,
      });
    return message;
  };
}

/** Throws INVALID_ARGUMENT naming every field of a request that breaks the shell's checks. */
export function checkRequest(message: unknown): void {
  const marked = (message as Record<symbol, FieldViolation[] | undefined> | null)?.[PROBLEMS] ?? [];
  const problems = [...marked, ...requestBoundsViolations(message).all];
  if (problems.length > 0) throw DomainError.invalid(problems);
}

/** The request messages of a client stream, each checked as it arrives. */
export async function* checkedStream<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  for await (const message of messages) {
    checkRequest(message);
    yield message;
  }
}
