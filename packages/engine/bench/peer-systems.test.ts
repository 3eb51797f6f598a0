import { describe, expect, it } from 'vitest';
import { loadObscenity, loadPeer, toPolarity, type PeerInfo } from './peer-systems.js';

const INFO: PeerInfo = { name: 'probe', pkg: 'probe', task: 'sentiment', langs: ['en'], setup: 'test' };

describe('toPolarity', () => {
  it('treats any non-zero score as polar with a cut of 0', () => {
    expect(toPolarity(0.001, 0).label).toBe('positive');
    expect(toPolarity(-0.001, 0).label).toBe('negative');
    expect(toPolarity(0, 0).label).toBe('neutral');
  });

  it('makes the cut inclusive, as VADER documents (>= 0.05)', () => {
    expect(toPolarity(0.05, 0.05).label).toBe('positive');
    expect(toPolarity(-0.05, 0.05).label).toBe('negative');
    expect(toPolarity(0.049, 0.05).label).toBe('neutral');
  });

  it('turns a non-finite score into a neutral 0', () => {
    expect(toPolarity(Number.NaN, 0)).toEqual({ label: 'neutral', score: 0 });
  });
});

describe('loadPeer', () => {
  it('reports a peer that fails to load, with the reason, instead of throwing', async () => {
    const peer = await loadPeer(INFO, () => Promise.reject(new Error("Cannot find package 'probe'\nstack")));
    expect(peer).toMatchObject({ status: 'unavailable', reason: "Cannot find package 'probe'" });
  });

  it('reports a peer whose first call throws', async () => {
    const peer = await loadPeer(INFO, async () => () => {
      throw new TypeError('broken');
    });
    expect(peer).toMatchObject({ status: 'unavailable', reason: 'broken' });
  });

  it('returns a ready peer otherwise', async () => {
    const peer = await loadPeer(INFO, async () => (text) => toPolarity(text.length, 0));
    expect(peer.status).toBe('ready');
  });
});

describe('obscenity peer', () => {
  it('loads as an English-only abuse peer and flags profanity, not ordinary complaints', async () => {
    const peer = await loadObscenity();
    expect(peer).toMatchObject({ name: 'obscenity', task: 'abuse', langs: ['en'], status: 'ready' });
    if (peer.status !== 'ready') return;
    expect(peer.predict('you are a fucking idiot', 'en')).toEqual({ label: 'abusive', score: 1 });
    expect(peer.predict('my parcel is three days late, please help', 'en')).toEqual({ label: 'clean', score: 0 });
  });
});
