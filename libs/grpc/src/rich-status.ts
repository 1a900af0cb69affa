import { join } from 'node:path';
import { loadSync, type MessageTypeDefinition } from '@grpc/proto-loader';

/**
 * gRPC's standard rich error model (https://google.aip.dev/193): the trailer
 * grpc-status-details-bin carries a google.rpc.Status whose details hold a google.rpc.BadRequest
 * listing every field violation. grpcurl, grpc-gateway, Envoy and the gRPC libraries of other
 * languages show it without knowing our own trailers. The messages come from
 * proto/google/rpc (the published package, messages and field numbers), which reflection
 * serves too.
 */
export const GRPC_STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
export const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';
/** The .proto files of the rich error model, relative to proto/. */
export const RICH_STATUS_PROTOS = ['google/rpc/status.proto', 'google/rpc/error_details.proto'];
/** Where they are: the repository's proto/ (from libs/grpc/dist). */
export const RICH_STATUS_PROTO_DIR = join(__dirname, '..', '..', '..', 'proto');

const definitions = loadSync(RICH_STATUS_PROTOS, {
  keepCase: true,
  defaults: true,
  includeDirs: [RICH_STATUS_PROTO_DIR],
});
const StatusType = definitions['google.rpc.Status'] as MessageTypeDefinition<object, object>;
const BadRequestType = definitions['google.rpc.BadRequest'] as MessageTypeDefinition<object, object>;

/**
 * A field path of ours (camelCase, as the domain names it: `customer.estimatedValue`,
 * `tiers[0].minDeals`) as the .proto names it (`customer.estimated_value`,
 * `tiers[0].min_deals`). Metadata keys (`idempotency-key`) and indexes are kept.
 */
export function protoFieldPath(field: string): string {
  // proto-loader turns each `_x` of a .proto name into `X` (keepCase false): undo exactly that.
  return field.replace(/(?<=[A-Za-z0-9])[A-Z]/g, (upper) => `_${upper.toLowerCase()}`);
}

export function encodeStatusDetails(
  code: number,
  message: string,
  violations: ReadonlyArray<{ field: string; reason: string }>,
): Buffer {
  const details =
    violations.length > 0
      ? [
          {
            type_url: BAD_REQUEST_TYPE_URL,
            value: BadRequestType.serialize({
              field_violations: violations.map((v) => ({
                field: protoFieldPath(v.field),
                description: v.reason,
              })),
            }),
          },
        ]
      : [];
  return StatusType.serialize({ code, message, details });
}

export interface RichStatus {
  code: number;
  message: string;
  /** The google.rpc.BadRequest field violations (empty without one). */
  fieldViolations: Array<{ field: string; description: string }>;
  /** The type URLs of every detail. */
  detailTypes: string[];
}

export function decodeStatusDetails(bytes: Buffer): RichStatus {
  const decoded = StatusType.deserialize(bytes) as {
    code: number;
    message: string;
    details: Array<{ type_url: string; value: Uint8Array }>;
  };
  const badRequest = decoded.details.find((d) => d.type_url === BAD_REQUEST_TYPE_URL);
  const fieldViolations = badRequest
    ? (
        BadRequestType.deserialize(Buffer.from(badRequest.value)) as {
          field_violations: Array<{ field: string; description: string }>;
        }
      ).field_violations
    : [];
  return {
    code: decoded.code,
    message: decoded.message,
    fieldViolations,
    detailTypes: decoded.details.map((d) => d.type_url),
  };
}
