import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '@prm/domain';
import { cellVisibility, POPULATIONS, SHARE_LEVELS, sharingDecider, type SharingState } from './index';

const PARTNER = '0b7c2a52-5b1e-4c43-9f2e-9a3f4f0e8d11';
const set = (
  side: string,
  populations: Record<string, string | undefined>,
  state = sharingDecider.initialState(),
) =>
  sharingDecider.decide({ type: 'SetSharingPolicy', data: { partnerId: PARTNER, side, populations } }, state);

describe('sharing policy', () => {
  it('shares nothing by default', () => {
    const s = sharingDecider.initialState();
    for (const p of POPULATIONS) {
      assert.equal(s.vendor[p], 'none');
      assert.equal(s.partner[p], 'none');
    }
  });

  it('changes the given populations of one side, keeping the others, and says nothing when nothing changes', () => {
    const [event] = set('partner', { customer: 'accounts' });
    assert.deepEqual(event!.data, {
      partnerId: PARTNER,
      side: 'partner',
      populations: { customer: 'accounts', opportunity: 'none', prospect: 'none' },
    });
    const state = sharingDecider.evolve(sharingDecider.initialState(), event!);
    assert.deepEqual(set('partner', { customer: 'accounts' }, state), []);
    const [next] = set('partner', { prospect: 'counts' }, state);
    assert.deepEqual(next!.data.populations, {
      customer: 'accounts',
      opportunity: 'none',
      prospect: 'counts',
    });
  });

  it('refuses bad input naming every field', () => {
    assert.throws(
      () => set('reseller', { customer: 'all', lead: 'counts' }),
      (e: DomainError) => {
        assert.deepEqual(
          e.violations.map((v) => v.field),
          ['side', 'populations.customer', 'populations.lead'],
        );
        return true;
      },
    );
    assert.throws(
      () => set('vendor', {}),
      (e: DomainError) => e.violations[0]!.field === 'populations',
    );
  });

  it('lets each side see a cell exactly as the other side shares that cell’s population: every combination', () => {
    for (const vendorLevel of SHARE_LEVELS) {
      for (const partnerLevel of SHARE_LEVELS) {
        for (const vp of POPULATIONS) {
          for (const pp of POPULATIONS) {
            const state: SharingState = sharingDecider.initialState();
            state.vendor[vp] = vendorLevel;
            state.partner[pp] = partnerLevel;
            assert.equal(cellVisibility('vendor', state, vp, pp), partnerLevel, `vendor sees ${vp}×${pp}`);
            assert.equal(cellVisibility('partner', state, vp, pp), vendorLevel, `partner sees ${vp}×${pp}`);
            // Another population's level never opens this cell.
            for (const other of POPULATIONS.filter((p) => p !== pp))
              assert.equal(cellVisibility('vendor', state, vp, other), 'none');
            for (const other of POPULATIONS.filter((p) => p !== vp))
              assert.equal(cellVisibility('partner', state, other, pp), 'none');
          }
        }
      }
    }
  });
});
