// api.mjs - the HTTP API from node, for setting up what a browser test is
// not about (a dossier already submitted, a step already done).  Bearer
// tokens, Idempotency-Key on POST, If-Match from the dossier's ETag.
import { randomUUID } from 'node:crypto';
import { PASSWORD } from './harness.mjs';

export class Client {
  constructor(base, token) { this.base = base; this.token = token; }

  static async login(base, username, password = PASSWORD) {
    const r = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password, token: true }),
    });
    const b = await r.json();
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(b)}`);
    return new Client(base, b.token);
  }

  async call(method, path, body, headers = {}) {
    const h = { Authorization: `Bearer ${this.token}`, ...headers };
    if (method === 'POST') h['Idempotency-Key'] = randomUUID();
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const r = await fetch(`${this.base}${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const ct = r.headers.get('Content-Type') || '';
    const out = ct.includes('json') ? await r.json() : Buffer.from(await r.arrayBuffer());
    return { status: r.status, body: out, headers: r.headers };
  }

  async ok(method, path, body, headers, want = [200, 201, 204]) {
    const r = await this.call(method, path, body, headers);
    if (!want.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  get(path) { return this.ok('GET', path); }

  // One workflow action with the current ETag.
  async act(code, action, body = {}) {
    const cur = await this.call('GET', `/api/v1/dossiers/${encodeURIComponent(code)}`);
    if (cur.status !== 200) throw new Error(`GET dossier ${code}: ${cur.status}`);
    return this.ok('POST', `/api/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`, body,
      { 'If-Match': cur.headers.get('ETag') });
  }
}

// The form of 1.004873 (certificate of marital status), filled for the
// demo citizen.
export async function maritalForm(client) {
  const p = await client.get('/api/v1/procedures/1.004873');
  const form = {};
  for (const f of p.form) {
    if (!f.required) continue;
    switch (f.type) {
      case 'text': form[f.name] = f.name === 'full_name' ? 'Nguyễn Văn An' : 'Để đăng ký kết hôn'; break;
      case 'date': form[f.name] = '1990-05-12'; break;
      case 'choice': form[f.name] = f.choices[0].value; break;
      case 'unit': form[f.name] = '26740'; break;
      case 'number': form[f.name] = 1; break;
      case 'id_number': form[f.name] = '079203001234'; break;
      default: form[f.name] = 'x';
    }
  }
  return form;
}
