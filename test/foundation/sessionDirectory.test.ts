// The worker's directory of customers' sessions: remembers the last routing, forgets the least
// recently routed customer first when full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionDirectory } from '../../activities/sessionDirectory';

describe('session directory', () => {
  it('remembers where each customer was routed, per kf account', () => {
    const directory = new SessionDirectory(10);
    directory.set('wkA', 'wm1', 1);
    directory.set('wkB', 'wm1', 3);
    directory.set('wkA', 'wm1', 2);
    assert.equal(directory.get('wkA', 'wm1'), 2);
    assert.equal(directory.get('wkB', 'wm1'), 3);
    assert.equal(directory.get('wkA', 'wm2'), undefined);
    directory.forget('wkA', 'wm1');
    assert.equal(directory.get('wkA', 'wm1'), undefined);
  });

  it('forgets the least recently routed customer first when full', () => {
    const directory = new SessionDirectory(3);
    for (const customer of ['wm1', 'wm2', 'wm3']) directory.set('wkA', customer, 1);
    directory.get('wkA', 'wm1'); // wm2 is now the least recent
    directory.set('wkA', 'wm4', 1);
    assert.equal(directory.size, 3);
    assert.equal(directory.get('wkA', 'wm2'), undefined);
    assert.deepEqual(
      ['wm1', 'wm3', 'wm4'].map((c) => directory.get('wkA', c)),
      [1, 1, 1],
    );
  });
});
