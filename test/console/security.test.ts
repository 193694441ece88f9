import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insideFolder } from '@byos/console';
import { type DemoConsole, startDemoConsole } from './harness.ts';

let demo: DemoConsole;
beforeAll(async () => {
  demo = await startDemoConsole('console-security');
});
afterAll(async () => {
  await demo?.stop();
});

const bearer = () => ({ authorization: `Bearer ${demo.token}` });

describe('byos console: token, CSRF, Host, downloads', () => {
  it('prints a URL on 127.0.0.1 with a random token', () => {
    expect(demo.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(demo.token).toMatch(/^[\w-]{32}$/);
  });

  it('answers 401 to every request without the token, or with a wrong one', async () => {
    for (const path of ['/', '/tenants/demo-sqlite', '/static/console.js', '/download/x.csv', '/jobs/x/events']) {
      expect((await fetch(`${demo.origin}${path}`)).status, path).toBe(401);
      expect((await fetch(`${demo.origin}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, path).toBe(401);
    }
    expect((await fetch(`${demo.origin}/?token=${demo.token.slice(0, -1)}x`, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${demo.origin}/migrate/preview`, { method: 'POST' })).status).toBe(401);
  });

  it('trades the token in the URL for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const response = await fetch(demo.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`byos_console=${demo.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${demo.origin}/`, { headers: { cookie: `byos_console=${demo.token}` } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).not.toContain(demo.token);
  });

  it('refuses a cross-site form post, a post without the CSRF header and one from another origin', async () => {
    const cookie = { cookie: `byos_console=${demo.token}` };
    // What a hostile page's <form method=post> makes the browser send: the cookie (were it not SameSite), no header.
    const crossSite = await fetch(`${demo.origin}/migrate/preview`, {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      body: 'sentence=drop+table+Album',
    });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toMatch(/cross-site/);
    const noHeader = await fetch(`${demo.origin}/migrate/preview`, {
      method: 'POST',
      headers: { ...cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'sentence=x',
    });
    expect(noHeader.status).toBe(403);
    expect(await noHeader.text()).toMatch(/x-byos-csrf/);
    const otherOrigin = await fetch(`${demo.origin}/migrate/preview`, { method: 'POST', headers: { ...cookie, origin: 'http://localhost.evil.example' } });
    expect(otherOrigin.status).toBe(403);
  });

  it('refuses a Host header that is not the console (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const url = new URL(demo.origin);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/', headers: { host: `evil.example:${url.port}`, ...bearer() } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('refuses a download path that leaves the downloads folder', async () => {
    for (const path of ['..%2f..%2fetc%2fpasswd', '..%2Fstate%2Fprofiles%2Fdemo-sqlite.profiles.json', '%2fetc%2fpasswd', 'a%2f..%2f..%2fx', '..%5c..%5cx']) {
      const response = await fetch(`${demo.origin}/download/${path}`, { headers: bearer() });
      expect(response.status, path).toBe(400);
      expect(await response.text()).toMatch(/not a file in the console's downloads folder/);
    }
    expect(insideFolder('/srv/d', 'rejects/a.csv')).toBe('/srv/d/rejects/a.csv');
    expect(insideFolder('/srv/d', '../d2/x')).toBeUndefined();
    expect(insideFolder('/srv/d', '/etc/passwd')).toBeUndefined();
    expect(insideFolder('/srv/d', 'a\0b')).toBeUndefined();
  });

  it('serves only its own static files', async () => {
    expect((await fetch(`${demo.origin}/static/console.js`, { headers: bearer() })).status).toBe(200);
    expect((await fetch(`${demo.origin}/static/..%2fpackage.json`, { headers: bearer() })).status).toBe(404);
    expect((await fetch(`${demo.origin}/static/server.ts`, { headers: bearer() })).status).toBe(404);
  });
});
