import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { DEALS_PROTO, DEALS_SERVICE } from '@prm/deals';
import { PROTO_LOADER_OPTIONS, unaryClient, type UnaryClient } from '@prm/grpc';
import { MAPPING_PROTO, MAPPING_SERVICE } from '@prm/mapping';
import { METRICS_PROTO, METRICS_SERVICE } from '@prm/metrics';
import { PARTNERS_SERVICE, PROTO_ROOT } from '@prm/partners';
import { eventually } from '@prm/testing';
import { loadConfig } from './config';
import { startPlatform } from './platform';

const PARTNERS_PROTO = 'prm/partners/v1/partners.proto';
const SERVICES: Array<[string, string]> = [
  [PARTNERS_PROTO, PARTNERS_SERVICE],
  [DEALS_PROTO, DEALS_SERVICE],
  [MAPPING_PROTO, MAPPING_SERVICE],
  [METRICS_PROTO, METRICS_SERVICE],
];
const admin = { id: 'user:admin-scope', role: 'vendor_admin' };
const pamA = { id: 'user:pam-a', role: 'pam' };
const pamB = { id: 'user:pam-b', role: 'pam' };

/** Fields through which a request reaches one partner's data. */
const PARTNER_FIELDS = new Set(['partnerId', 'dealId', 'importId']);
/** Methods that name a partner id only for the partner they create (nothing of another's is reached). */
const CREATES = new Set(['prm.partners.v1.PartnersService/RegisterPartner']);

type Descriptor = { field: Array<{ name: string; type: string; typeName?: string; label?: string }> };
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
/**
 * A field's message type: proto-loader names it relative to the package (`Actor`), and keeps
 * nested messages (`UploadAccountListRequest.Header`) inside their parent's descriptor.
 */
function typeOf(pkg: PackageDefinition, name: string): Descriptor {
  const short = name.replace(/^\./, '');
  const key = Object.keys(pkg).find((k) => k === short || k.endsWith(`.${short}`));
  if (key) return (pkg[key] as { type: Descriptor }).type;
  const last = short.split('.').pop();
  for (const value of Object.values(pkg)) {
    const nested = (value as { type?: { nestedType?: Array<Descriptor & { name: string }> } }).type
      ?.nestedType;
    const found = nested?.find((n) => n.name === last);
    if (found) return found;
  }
  throw new Error(`message type ${name} is not in the loaded proto`);
}

/** Whether a request type (or a message inside it, the actor aside) names a partner, a deal or an import. */
function reachesPartner(pkg: PackageDefinition, typeName: string, depth = 0): boolean {
  return typeOf(pkg, typeName).field.some(
    (f) =>
      PARTNER_FIELDS.has(camel(f.name)) ||
      (f.type === 'TYPE_MESSAGE' &&
        f.name !== 'actor' &&
        depth < 3 &&
        reachesPartner(pkg, f.typeName!, depth + 1)),
  );
}

/** A request of `typeName` whose every partner-ish field points at the partner under test. */
function requestFor(
  pkg: PackageDefinition,
  typeName: string,
  target: { partnerId: string; dealId: string; importId: string },
  depth = 0,
): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const f of typeOf(pkg, typeName).field) {
    const name = camel(f.name);
    if (name === 'actor') request.actor = pamB;
    else if (name === 'partnerId') request.partnerId = target.partnerId;
    else if (name === 'dealId') request.dealId = target.dealId;
    else if (name === 'importId') request.importId = target.importId;
    else if (name === 'owner') request.owner = 'partner';
    else if (f.type === 'TYPE_MESSAGE' && f.label !== 'LABEL_REPEATED' && depth < 3)
      request[name] = requestFor(pkg, f.typeName!, target, depth + 1);
  }
  return request;
}

/*
 * The scope matrix, generated from the service definitions: every method of every service,
 * called by a PAM that does not run the partner its request reaches, is PERMISSION_DENIED. A
 * method added to a .proto is in this matrix without anyone writing a line here.
 */
describe('A PAM reaches only the partners it runs, in every method of every service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prm-scope-'));
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  const clients = new Map<string, UnaryClient>();
  const target = { partnerId: '', dealId: '', importId: randomUUID() };
  const call = (service: string, method: string, request: object) =>
    clients.get(service)!.call(method, request);

  before(async () => {
    platform = await startPlatform(
      loadConfig({ PRM_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', PRM_SEED_DEMO: 'false' }),
    );
    for (const [proto, service] of SERVICES)
      clients.set(service, unaryClient(platform.grpcAddress, proto, [PROTO_ROOT], service));
    const partners = (m: string, r: object) => call(PARTNERS_SERVICE, m, { actor: admin, ...r });
    const ref = await partners('registerPartner', {
      legalName: 'Scope Integration LLC',
      country: 'RU',
      website: 'scope-integration.example',
      taxId: '7707083893',
      type: 'integrator',
      employeeCount: 40,
      salesReps: 3,
      specializations: [],
      clientSegments: ['enterprise'],
      industries: [],
    });
    const partnerId = ref.partnerId as string;
    target.partnerId = partnerId;
    for (const stage of ['contacted', 'agreement_signed', 'onboarding'])
      await partners('advanceJourney', { partnerId, stage });
    for (const step of ['contract', 'questionnaire', 'demo_access', 'certification'])
      await partners('completeOnboardingStep', { partnerId, step });
    await partners('advanceJourney', { partnerId, stage: 'enabled' });
    await partners('assignPam', { partnerId, pamId: pamA.id });
    await call(DEALS_SERVICE, 'defineDealPolicy', {
      actor: admin,
      program: 'default',
      protectionDays: 60,
      maxExtensionDays: 30,
    });
    const deal = await eventually('the deals service to know the partner enabled', () =>
      call(DEALS_SERVICE, 'registerDeal', {
        actor: { id: 'user:scope-partner', role: 'partner_user', partnerId },
        channel: 'partner',
        partnerId,
        customer: { name: 'ООО «Ромашка»', domain: 'romashka-scope.example', country: 'RU' },
        estimatedValue: { amount: '100000.00', currency: 'RUB' },
        expectedCloseDate: '2099-06-30',
        products: ['crm'],
        attribution: 'sourced',
      }).catch(() => null),
    );
    target.dealId = deal!.dealId as string;
    await eventually('mapping to know the partner', () =>
      call(MAPPING_SERVICE, 'importAccountList', {
        actor: admin,
        options: { owner: 'partner', partnerId, importId: target.importId },
        content: Buffer.from('name,domain,country,population\nRomashka,romashka.ru,RU,customer\n'),
      }).catch(() => null),
    );
    // The PAM who runs the partner is let through everywhere (each context's view has the assignment).
    await eventually('every context to know the partner’s PAM', async () => {
      const reads = [
        call(PARTNERS_SERVICE, 'getPartner', { actor: pamA, partnerId }),
        call(DEALS_SERVICE, 'getDeal', { actor: pamA, dealId: target.dealId }),
        call(DEALS_SERVICE, 'listCommissions', { actor: pamA, partnerId }),
        call(MAPPING_SERVICE, 'getSharingPolicy', { actor: pamA, partnerId }),
        call(METRICS_SERVICE, 'getScorecard', { actor: pamA, partnerId }),
      ];
      return (
        (await Promise.all(reads.map((r) => r.then(() => true).catch(() => false)))).every(Boolean) || null
      );
    });
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const [proto, service] of SERVICES) {
    it(`${service}: every method reaching a partner refuses a PAM that does not run it`, async () => {
      const pkg = loadSync(proto, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
      const definition = pkg[service] as Record<
        string,
        { requestType: { type: unknown }; requestStream: boolean; originalName: string; path: string }
      >;
      const scoped: string[] = [];
      const vendorWide: string[] = [];
      for (const [name, method] of Object.entries(definition)) {
        const fullType = (method.requestType.type as { name: string }).name;
        if (CREATES.has(method.path.replace(/^\//, '')) || !reachesPartner(pkg, fullType)) {
          vendorWide.push(name);
          continue;
        }
        scoped.push(name);
        const request = requestFor(pkg, fullType, target);
        const answer = method.requestStream
          ? streamed(platform.grpcAddress, proto, service, name, request)
          : call(service, name.charAt(0).toLowerCase() + name.slice(1), request);
        await assert.rejects(
          answer,
          (e: ServiceError) => {
            assert.equal(e.code, status.PERMISSION_DENIED, `${name}: ${status[e.code]} ${e.details}`);
            return true;
          },
          name,
        );
      }
      console.log(
        `${service}: ${scoped.length} methods scoped (${scoped.join(', ')}); names no partner: ${vendorWide.join(', ')}`,
      );
      assert.ok(scoped.length > 0);
    });
  }
});

/** A client-streaming call: the generated request goes as its first (header) message. */
function streamed(
  address: string,
  proto: string,
  service: string,
  method: string,
  request: Record<string, unknown>,
): Promise<unknown> {
  const pkg = loadPackageDefinition(loadSync(proto, { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_ROOT] }));
  let node: unknown = pkg;
  for (const part of service.split('.')) node = (node as Record<string, unknown>)[part];
  const Ctor = node as new (a: string, c: ReturnType<typeof credentials.createInsecure>) => Client;
  const client = new Ctor(address, credentials.createInsecure()) as unknown as Record<
    string,
    (cb: (e: Error | null, r: unknown) => void) => { write(m: object): void; end(): void }
  > & { close(): void };
  return new Promise((resolve, reject) => {
    const name = method.charAt(0).toLowerCase() + method.slice(1);
    const stream = client[name]!((e, r) => (client.close(), e ? reject(e) : resolve(r)));
    stream.write({ header: request.header });
    stream.end();
  });
}
