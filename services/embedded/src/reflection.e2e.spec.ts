import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from './config';
import { startPlatform } from './platform';

/*
 * Issue 15 item 2: server reflection that standard tools can use, for every service. The real
 * grpcurl (GRPCURL, installed by infra/grpcurl/install.sh; CI installs it) lists the services,
 * describes every service, every method and every request and response message over
 * reflection, and makes calls with JSON bodies; a refused call shows the standard rich error
 * (google.rpc.BadRequest with the field named as in the .proto) without custom decoding.
 */

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..', '..');
const grpcurl = process.env.GRPCURL ?? join(repoRoot, '.infra', 'bin', 'grpcurl');
const required = process.env.REQUIRE_INFRA === '1';
const skip =
  !required && !existsSync(grpcurl)
    ? `grpcurl not found at ${grpcurl}: bash infra/grpcurl/install.sh installs it (needs Go)`
    : false;

const SERVICES = [
  'prm.partners.v1.PartnersService',
  'prm.deals.v1.DealsService',
  'prm.mapping.v1.MappingService',
  'prm.metrics.v1.MetricsService',
];

describe('reflection with the real grpcurl, every service of the platform', { skip }, () => {
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  let dataDir: string;
  const curl = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(grpcurl, ['-plaintext', ...args], { maxBuffer: 16 << 20 });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  };

  before(async () => {
    assert.ok(
      existsSync(grpcurl),
      `grpcurl not found at ${grpcurl}: bash infra/grpcurl/install.sh installs it (needs Go)`,
    );
    dataDir = mkdtempSync(join(tmpdir(), 'prm-reflection-'));
    platform = await startPlatform(
      loadConfig({ PRM_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', PRM_SEED_DEMO: 'false' }),
    );
  });

  after(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every service and health', async () => {
    const listed = await curl(platform.grpcAddress, 'list');
    assert.equal(listed.code, 0, listed.out);
    const names = listed.out.trim().split('\n');
    for (const s of [...SERVICES, 'grpc.health.v1.Health'])
      assert.ok(names.includes(s), `${s} in ${listed.out}`);
  });

  it('describes every service, method, request and response message (field names as in the .proto)', async () => {
    let described = 0;
    for (const service of SERVICES) {
      const methods = await curl(platform.grpcAddress, 'list', service);
      assert.equal(methods.code, 0, methods.out);
      const whole = await curl(platform.grpcAddress, 'describe', service);
      assert.equal(whole.code, 0, whole.out);
      for (const method of methods.out.trim().split('\n')) {
        const d = await curl(platform.grpcAddress, 'describe', method);
        assert.equal(d.code, 0, `${method}: ${d.out}`);
        const types = [
          ...d.out.matchAll(/rpc \w+ \( (?:stream )?\.([\w.]+) \) returns \( (?:stream )?\.([\w.]+) \)/g),
        ];
        assert.equal(types.length, 1, `${method}: ${d.out}`);
        for (const type of types[0]!.slice(1)) {
          const m = await curl(platform.grpcAddress, 'describe', type!);
          assert.equal(m.code, 0, `${type}: ${m.out}`);
          described++;
        }
      }
    }
    assert.ok(described > 100, `${described} messages described`);
    // The map that grpcurl could not read (PamWorkloadEntry.byStage) and snake_case field names.
    const workload = await curl(platform.grpcAddress, 'describe', 'prm.partners.v1.PamWorkloadEntry');
    assert.equal(workload.code, 0, workload.out);
    assert.match(workload.out, /map<string, int32> by_stage = 5;/);
  });

  it('calls a method with a JSON body, and shows a refused call as google.rpc.BadRequest naming the .proto field', async () => {
    const admin = { id: 'user:admin-1', role: 'vendor_admin' };
    const ok = await curl(
      '-d',
      JSON.stringify({
        actor: admin,
        legal_name: 'Reflection Test GmbH',
        country: 'DE',
        website: 'reflection-test.example',
        tax_id: 'DE811907980',
        type: 'integrator',
        employee_count: 40,
        sales_reps: 3,
        specializations: ['cloud-migration'],
        client_segments: ['mid_market'],
        industries: ['manufacturing'],
      }),
      platform.grpcAddress,
      'prm.partners.v1.PartnersService/RegisterPartner',
    );
    assert.equal(ok.code, 0, ok.out);
    // grpcurl prints the field names of the .proto.
    assert.match(ok.out, /"partner_id": "[0-9a-f-]{36}"/);
    const refused = await curl(
      '-format-error',
      '-d',
      JSON.stringify({ actor: admin, legal_name: '', country: 'DE', type: 'integrator' }),
      platform.grpcAddress,
      'prm.partners.v1.PartnersService/RegisterPartner',
    );
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /InvalidArgument|"code": 3/, refused.out);
    assert.match(refused.out, /type\.googleapis\.com\/google\.rpc\.BadRequest/, refused.out);
    assert.match(refused.out, /"field": "legal_name"/, refused.out);
  });
});
