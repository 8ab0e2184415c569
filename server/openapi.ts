/**
 * The OpenAPI 3.1 document, built from the route registry and the component schemas (never written
 * by hand), and a self-contained docs page that renders it (no CDN, no network).
 */
import { createHash } from 'node:crypto';
import { rolesOf } from './auth/roles.ts';
import type { RouteSpec } from './routes/registry.ts';
import { componentSchemas, SCHEMA_ID_PREFIX, type JsonSchema } from './routes/schemas.ts';

export interface OpenApiInfo {
  version: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rewrites registry references to `#/components/schemas/…` (and the rule document's own `$defs`). */
function rewriteRefs(value: unknown, ownDefsBase?: string): Json {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, ownDefsBase));
  if (value === null || typeof value !== 'object') return value as Json;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '$ref' && typeof v === 'string') {
      if (v.startsWith(SCHEMA_ID_PREFIX)) out[k] = `#/components/schemas/${v.slice(SCHEMA_ID_PREFIX.length)}`;
      else if (ownDefsBase && v.startsWith('#/$defs/')) out[k] = `${ownDefsBase}${v.slice(1)}`;
      else out[k] = v;
    } else if (k === '$id' || k === '$schema' || k === 'tsType') {
      continue;
    } else {
      out[k] = rewriteRefs(v, ownDefsBase);
    }
  }
  return out;
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const problemResponse = (description: string) => ({ description, content: problemContent });

function roleText(route: RouteSpec): string {
  if (route.access === 'public') return '无需登录 / No session needed';
  if (route.access === 'any') return '任何已登录用户 / Any logged-in user';
  return `角色 / Roles: ${(rolesOf(route.access) as string[]).join(', ')}`;
}

function operationId(route: RouteSpec): string {
  const words = route.path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith('{') ? `by ${w.slice(1, -1)}` : w))
    .join(' ')
    .split(' ');
  return [route.method, ...words].map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}

function parameters(route: RouteSpec): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query' | 'header', specs: RouteSpec['params']) => {
    for (const [name, spec] of Object.entries(specs ?? {})) {
      out.push({
        name,
        in: where,
        required: where === 'path' ? true : (spec.required ?? false),
        ...(spec.description ? { description: spec.description } : {}),
        schema: rewriteRefs(spec.schema),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  add('header', route.headers);
  return out;
}

/**
 * The OpenAPI 3.1 document for the given routes.
 *
 * @example buildOpenApi(routes, { version: '0.1.0' }).paths['/api/health'].get.summary
 */
export function buildOpenApi(routes: RouteSpec[], info: OpenApiInfo): Record<string, Json> {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const content: Record<string, Json> = {};
      if (r.schema) content['application/json'] = { schema: rewriteRefs(r.schema) };
      if (r.contentType) content[r.contentType] = { schema: { type: 'string', format: 'binary' } };
      responses[status] = {
        description: r.description,
        ...(Object.keys(content).length ? { content } : {}),
        ...(r.headers ? { headers: rewriteRefs(r.headers) } : {}),
      };
    }
    if (route.params || route.query) responses['400'] ??= problemResponse('参数无效 / Invalid parameters');
    if (route.access !== 'public') responses['401'] ??= problemResponse('未登录 / No session');
    if (Array.isArray(route.access) || route.region === undefined)
      responses['403'] ??= problemResponse('角色无权 / Role not allowed');
    if (route.body) {
      responses['413'] ??= problemResponse('请求体过大 / Body too large');
      if (route.body.kind === 'json')
        responses['422'] ??= problemResponse('请求体无效 / Invalid body (errors lists each problem)');
    }
    responses['500'] ??= problemResponse('服务器错误 / Server error');

    const op: Record<string, Json> = {
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      description: [route.description, roleText(route)].filter(Boolean).join('\n\n'),
      'x-roles': rolesOf(route.access),
      // How a region account (role `region`) may use it: own region by a path parameter, scoped by
      // the handler, or not at all.
      'x-region':
        route.access === 'public'
          ? 'public'
          : route.region === undefined
            ? 'forbidden'
            : route.region === 'scoped'
              ? 'scoped'
              : `own:${route.region.param}`,
      parameters: parameters(route),
      responses,
    };
    if (route.access === 'public') op.security = [];
    if (route.body?.kind === 'json') {
      op.requestBody = {
        required: route.body.required !== false,
        ...(route.body.description ? { description: route.body.description } : {}),
        content: { 'application/json': { schema: rewriteRefs(route.body.schema) } },
      };
    } else if (route.body?.kind === 'raw') {
      op.requestBody = {
        required: true,
        description: route.body.description,
        content: Object.fromEntries(
          route.body.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
        ),
      };
    }
    (paths[route.path] ??= {})[route.method] = op;
  }

  const schemas: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(componentSchemas)) {
    schemas[name] = rewriteRefs(schema as JsonSchema, `#/components/schemas/${name}`);
  }
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ecoscore API',
      version: info.version,
      description:
        '政府生态环境保护目标责任制考核：规则版本、数据、考核运行与审计。/ Scoring governments against yearly ' +
        'ecological-environment-protection targets: rule versions, data, assessment runs and audit. ' +
        'Log in with POST /api/auth/login; the session cookie `ecoscore_session` authenticates every other call. ' +
        'Errors are application/problem+json (RFC 9457).',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags,
    security: [{ session: [] }],
    paths: paths as Record<string, Json>,
    components: {
      schemas,
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ecoscore_session',
          description: 'Set by POST /api/auth/login',
        },
      },
    },
  };
}

const DOCS_STYLE = `
body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f7f9fb}
header{background:#16543b;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;opacity:.85}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
input#filter{width:100%;padding:8px;font-size:14px;margin:8px 0 16px;box-sizing:border-box}
h2{border-bottom:1px solid #cbd2d9;padding-bottom:4px;margin-top:28px}
details.op{background:#fff;border:1px solid #d9e2ec;border-radius:6px;margin:6px 0}
details.op>summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:baseline}
.m{font-weight:700;text-transform:uppercase;width:56px;font-family:ui-monospace,monospace}
.m.get{color:#1c6bb0}.m.post{color:#15803d}.m.put{color:#b45309}.m.patch{color:#7c3aed}.m.delete{color:#b91c1c}
.p{font-family:ui-monospace,monospace}.s{color:#52606d}.role{margin-left:auto;font-size:12px;color:#52606d}
.body{padding:4px 16px 12px;border-top:1px solid #eef2f6}
pre{background:#f0f4f8;padding:8px;overflow:auto;font-size:12px;max-height:400px}
table{border-collapse:collapse}td,th{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}
a{color:#16543b}header a{color:#fff}`;

const DOCS_SCRIPT = `
(function(){
  var spec = JSON.parse(document.getElementById('spec').textContent);
  var main = document.getElementById('ops');
  function el(tag, attrs, children){ var e=document.createElement(tag); for (var k in (attrs||{})) e.setAttribute(k, attrs[k]);
    (children||[]).forEach(function(c){ e.appendChild(typeof c==='string'?document.createTextNode(c):c); }); return e; }
  function schemaBlock(s){ var pre=el('pre'); var text=JSON.stringify(s,null,2);
    var parts=text.split(/("#\\/components\\/schemas\\/[A-Za-z]+)/);
    parts.forEach(function(p){ if(p.indexOf('"#/components/schemas/')===0){ var name=p.slice(22); pre.appendChild(document.createTextNode('"'));
      pre.appendChild(el('a',{href:'#schema-'+name},['#/components/schemas/'+name])); } else pre.appendChild(document.createTextNode(p)); });
    return pre; }
  var byTag = {};
  Object.keys(spec.paths).forEach(function(path){ Object.keys(spec.paths[path]).forEach(function(method){
    var op = spec.paths[path][method]; var tag=(op.tags||['other'])[0]; (byTag[tag]=byTag[tag]||[]).push({path:path,method:method,op:op}); }); });
  (spec.tags||[]).forEach(function(t){ var ops=byTag[t.name]||[]; var section=el('section',{'data-tag':t.name},[el('h2',{},[t.name])]);
    ops.forEach(function(o){ var op=o.op; var roles=Array.isArray(op['x-roles'])?op['x-roles'].join(', '):op['x-roles'];
      var sum=el('summary',{},[el('span',{'class':'m '+o.method},[o.method]),el('span',{'class':'p'},[o.path]),el('span',{'class':'s'},[op.summary||'']),el('span',{'class':'role'},[roles])]);
      var body=el('div',{'class':'body'},[]);
      (op.description||'').split('\\n\\n').forEach(function(par){ body.appendChild(el('p',{},[par])); });
      if (op.parameters && op.parameters.length){ var tb=el('table',{},[el('tr',{},[el('th',{},['参数 / parameter']),el('th',{},['in']),el('th',{},['schema']),el('th',{},['说明 / description'])])]);
        op.parameters.forEach(function(p){ tb.appendChild(el('tr',{},[el('td',{'class':'p'},[p.name+(p.required?' *':'')]),el('td',{},[p.in]),el('td',{'class':'p'},[JSON.stringify(p.schema)]),el('td',{},[p.description||''])])); });
        body.appendChild(tb); }
      if (op.requestBody){ body.appendChild(el('h4',{},['请求体 / Request body'])); var c=op.requestBody.content;
        Object.keys(c).forEach(function(t){ body.appendChild(el('div',{'class':'p'},[t])); body.appendChild(schemaBlock(c[t].schema)); }); }
      body.appendChild(el('h4',{},['响应 / Responses']));
      Object.keys(op.responses).forEach(function(st){ var r=op.responses[st]; body.appendChild(el('div',{},[el('b',{},[st+' ']),r.description]));
        if (r.content) Object.keys(r.content).forEach(function(t){ if (st<300 || t!=='application/problem+json') { body.appendChild(el('div',{'class':'p'},[t])); body.appendChild(schemaBlock(r.content[t].schema)); } }); });
      section.appendChild(el('details',{'class':'op','data-search':(o.method+' '+o.path+' '+(op.summary||'')).toLowerCase()},[sum,body])); });
    main.appendChild(section); });
  var schemas=el('section',{},[el('h2',{},['Schemas'])]);
  Object.keys(spec.components.schemas).forEach(function(name){ schemas.appendChild(el('details',{'class':'op',id:'schema-'+name},[el('summary',{},[el('span',{'class':'p'},[name])]),el('div',{'class':'body'},[schemaBlock(spec.components.schemas[name])])])); });
  main.appendChild(schemas);
  window.addEventListener('hashchange',function(){ var t=document.getElementById(location.hash.slice(1)); if(t&&t.tagName==='DETAILS') t.open=true; });
  document.getElementById('filter').addEventListener('input',function(e){ var q=e.target.value.toLowerCase();
    document.querySelectorAll('details.op[data-search]').forEach(function(d){ d.style.display=d.getAttribute('data-search').indexOf(q)>=0?'':'none'; });
    document.querySelectorAll('section[data-tag]').forEach(function(s){ var any=false;
      s.querySelectorAll('details.op[data-search]').forEach(function(d){ if (d.style.display!=='none') any=true; }); s.style.display=any?'':'none'; }); });
})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The Content-Security-Policy of the docs page: only its own inline script and style. */
export const DOCS_CSP = `default-src 'none'; script-src ${sha256(DOCS_SCRIPT)}; style-src ${sha256(DOCS_STYLE)}; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The browsable API docs: one HTML page with the OpenAPI document embedded. */
export function docsPage(openapi: Record<string, Json>): string {
  const spec = JSON.stringify(openapi).replace(/</g, '\\u003c');
  const info = openapi.info as { title: string; version: string };
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${info.title} ${info.version} — 接口文档</title><style>${DOCS_STYLE}</style></head>
<body><header><h1>${info.title} <small>${info.version}</small></h1>
<p>接口文档（OpenAPI 3.1，<a href="/api/openapi.json">/api/openapi.json</a>）/ API reference</p></header>
<main><input id="filter" placeholder="筛选 / filter: method, path, summary" autocomplete="off"><div id="ops"></div></main>
<script type="application/json" id="spec">${spec}</script>
<script>${DOCS_SCRIPT}</script></body></html>`;
}
