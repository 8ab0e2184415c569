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

describe('a region account (SPEC section 10)', () => {
  it('sees only its own landing page in the bar; admins do not see that page', () => {
    expect(navFor('region').map((e) => e.href)).toEqual(['/my']);
    expect(navFor('admin').some((e) => e.href === '/my')).toBe(false);
    expect(landingFor('region', null, '220100')).toBe('/my');
  });

  it.each([
    ['/my', true],
    ['/my?run=3', true],
    ['/runs/3/regions/220100', true],
    ['/runs/3/regions/220100/statement', true],
    ['/runs/3/appeals', true],
    ['/runs/3/appeals/12', true],
    ['/runs/3/regions/220200', false],
    ['/runs/3/regions/220200/statement', false],
    ['/runs/3', false],
    ['/runs', false],
    ['/rules', false],
    ['/data', false],
    ['/reports/letter', false],
    ['/runs/3/regions/220100x', false],
    ['/runs/3/regions/%E0', false],
  ] as const)('%s → %s', (path, allowed) => {
    expect(mayVisit('region', path, '220100')).toBe(allowed);
    expect(landingFor('region', path, '220100')).toBe(allowed ? path : '/my');
  });

  it('without a bound region only the landing page', () => {
    expect(mayVisit('region', '/runs/3/regions/220100', null)).toBe(false);
    expect(mayVisit('region', '/my', null)).toBe(true);
  });
});
