import { describe, expect, it } from 'vitest';
import { landingFor, mayVisit, navFor } from './nav.ts';

describe('landing after sign-in follows the role', () => {
  it.each([
    ['reviewer', '/users', '/rules'],
    ['assessor', '/audit', '/rules'],
    ['editor', '/users?x=1', '/rules'],
    ['admin', '/users', '/users'],
    ['reviewer', '/audit?entity=run', '/audit?entity=run'],
    ['assessor', '/runs/3/regions/220100', '/runs/3/regions/220100'],
    ['assessor', '/reports/letter?version=2', '/reports/letter?version=2'],
    ['editor', '//evil.example/x', '/rules'],
    ['editor', '/\\evil.example', '/rules'],
    ['editor', 'https://evil.example/', '/rules'],
    ['editor', null, '/rules'],
  ] as const)('%s wanting %s lands on %s', (role, wanted, expected) => {
    expect(landingFor(role, wanted)).toBe(expected);
  });

  it('a page whose name merely starts like an allowed one is not allowed', () => {
    expect(mayVisit('reviewer', '/rulesxyz')).toBe(false);
    expect(mayVisit('reviewer', '/rules/12')).toBe(true);
  });

  it('every role starts on the first entry of its own bar', () => {
    for (const role of ['admin', 'editor', 'assessor', 'reviewer'] as const)
      expect(landingFor(role, null)).toBe(navFor(role)[0].href);
    expect(landingFor(undefined, '/rules')).toBe('/');
  });
});
