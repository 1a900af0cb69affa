import { dirname, join } from 'node:path';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import * as descriptor from 'protobufjs/ext/descriptor';
import { RICH_STATUS_PROTO_DIR, RICH_STATUS_PROTOS } from './rich-status';

type MessageDescriptor = descriptor.IDescriptorProto;

const TYPE_MESSAGE = 11;

/** grpc.health.v1 as grpc-health-check ships it: listed and described like our services. */
const HEALTH_PROTO_DIR = join(dirname(require.resolve('grpc-health-check/package.json')), 'proto');
const HEALTH_PROTO = 'health/v1/health.proto';

/** A map field's entry message name, as protoc makes it: `by_stage` → `ByStageEntry`. */
export function mapEntryName(field: string): string {
  return `${field.charAt(0).toUpperCase()}${field.slice(1).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Entry`;
}

/**
 * protobufjs (under proto-loader) names a map field's entry message after the field
 * (`ByStage`); protoc names it `<Field>Entry`, and strict descriptor builders (Go's protodesc in
 * grpcurl, C++'s DescriptorPool) refuse anything else: "PamWorkloadEntry.byStage is an invalid
 * map". Renames every map entry the protoc way, recursively (before linkFiles qualifies names).
 */
function fixMapEntries(message: MessageDescriptor): void {
  for (const nested of message.nestedType ?? []) fixMapEntries(nested);
  for (const field of message.field ?? []) {
    if (field.type !== TYPE_MESSAGE || !field.typeName || !field.name) continue;
    const relative = field.typeName.slice(field.typeName.lastIndexOf('.') + 1);
    const entry = (message.nestedType ?? []).find((n) => n.options?.mapEntry && n.name === relative);
    if (!entry) continue;
    const name = mapEntryName(field.name);
    entry.name = name;
    field.typeName = field.typeName.slice(0, field.typeName.length - relative.length) + name;
  }
}

/**
 * protobufjs leaves type references relative (`protobuf.Any` inside google.rpc) and files
 * without their `dependency` list; a descriptor builder then cannot find a type of another file
 * ("google.rpc.Status.details cannot resolve type"). Resolves every field's and method's type
 * the way protoc scopes names (innermost scope first), writes it fully qualified, and lists the
 * files it comes from as dependencies.
 */
function linkFiles(files: descriptor.IFileDescriptorProto[]): void {
  const owner = new Map<string, string>();
  const index = (
    file: string,
    scope: string,
    messages: MessageDescriptor[] = [],
    enums: Array<{ name?: string }> = [],
  ) => {
    for (const e of enums) owner.set(`${scope}.${e.name}`, file);
    for (const m of messages) {
      owner.set(`${scope}.${m.name}`, file);
      index(file, `${scope}.${m.name}`, m.nestedType ?? [], m.enumType ?? []);
    }
  };
  for (const file of files)
    index(
      file.name ?? '',
      file.package ? `.${file.package}` : '',
      file.messageType ?? [],
      file.enumType ?? [],
    );
  for (const file of files) {
    const dependencies = new Set<string>(file.dependency ?? []);
    const resolve = (name: string | undefined, scope: string): string | undefined => {
      if (!name) return name;
      if (name.startsWith('.')) {
        const found = owner.get(name);
        if (found && found !== file.name) dependencies.add(found);
        return name;
      }
      for (let at = scope; ; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
        const candidate = `${at}.${name}`;
        const found = owner.get(candidate);
        if (found) {
          if (found !== file.name) dependencies.add(found);
          return candidate;
        }
        if (at === '') return name;
      }
    };
    const walk = (messages: MessageDescriptor[], scope: string) => {
      for (const m of messages) {
        const inner = `${scope}.${m.name}`;
        for (const field of m.field ?? []) field.typeName = resolve(field.typeName, inner);
        walk(m.nestedType ?? [], inner);
      }
    };
    const pkg = file.package ? `.${file.package}` : '';
    walk(file.messageType ?? [], pkg);
    for (const service of file.service ?? [])
      for (const method of service.method ?? []) {
        method.inputType = resolve(method.inputType, pkg);
        method.outputType = resolve(method.outputType, pkg);
      }
    file.dependency = [...dependencies];
  }
}

/**
 * The package definition reflection serves: the same .proto files loaded with the field names
 * as written (keepCase), map entries named as protoc names them, and the rich error model
 * (google.rpc.Status, google.rpc.BadRequest) so clients can decode grpc-status-details-bin, and
 * grpc.health.v1.
 * grpcurl `list`, `describe` and calls with `-d` work against it (reflection.e2e.spec.ts).
 */
export function reflectionPackageDefinition(protoFiles: string[], includeDirs: string[]): PackageDefinition {
  const definition = loadSync([...protoFiles, ...RICH_STATUS_PROTOS, HEALTH_PROTO], {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [...includeDirs, RICH_STATUS_PROTO_DIR, HEALTH_PROTO_DIR],
  });
  // Every file once (each type lists them all), map entries renamed first.
  const files = new Map<string, descriptor.IFileDescriptorProto>();
  for (const value of Object.values(definition)) {
    for (const bytes of (value as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos ?? []) {
      const file = descriptor.FileDescriptorProto.decode(bytes) as descriptor.IFileDescriptorProto;
      if (files.has(file.name ?? '')) continue;
      for (const message of file.messageType ?? []) fixMapEntries(message);
      files.set(file.name ?? '', file);
    }
  }
  linkFiles([...files.values()]);
  const encoded = [...files.values()].map((file) =>
    Buffer.from(descriptor.FileDescriptorProto.encode(file).finish()),
  );
  for (const value of Object.values(definition)) {
    const withFiles = value as { fileDescriptorProtos?: Buffer[] };
    if (Array.isArray(withFiles.fileDescriptorProtos)) withFiles.fileDescriptorProtos = encoded;
  }
  return definition;
}
