// The GraphQL-over-HTTP spec authors' audit (graphql-http's auditServer) against a running
// server. It starts nothing: give it the endpoint's URL.
//
//   node audit.mjs http://127.0.0.1:8000/graphql [--header 'Name: value' ...]
//
// Every request carries the --header values (the gateway's CSRF prevention wants a
// non-simple header on GET requests). Exits 1 on any MUST failure (error) or SHOULD failure
// (warning), 2 on bad usage or a fatal audit error; MAY failures (notices) are printed.
import { auditServer } from 'graphql-http';

function usage(message) {
  console.error(`${message}\nusage: node audit.mjs URL [--header 'Name: value' ...]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let url;
const headers = {};
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--header') {
    const value = args[++i];
    const colon = value ? value.indexOf(':') : -1;
    if (colon < 1) usage(`--header needs 'Name: value', got ${value}`);
    headers[value.slice(0, colon).trim().toLowerCase()] = value.slice(colon + 1).trim();
  } else if (!url) {
    url = args[i];
  } else {
    usage(`unexpected argument ${args[i]}`);
  }
}
if (!url) usage('the URL to audit is missing');

function withHeaders(input, init = {}) {
  const merged = new Headers(init.headers);
  for (const [name, value] of Object.entries(headers)) {
    if (!merged.has(name)) merged.set(name, value);
  }
  return fetch(input, { ...init, headers: merged });
}

let results;
try {
  results = await auditServer({ url, fetchFn: withHeaders });
} catch (error) {
  console.error(`the audit could not run against ${url}: ${error?.stack ?? error}`);
  process.exit(2);
}

const level = (result) => result.name.split(' ', 1)[0];
const counts = {};
const failures = [];
for (const result of results) {
  const key = `${level(result)} ${result.status}`;
  counts[key] = (counts[key] ?? 0) + 1;
  if (result.status !== 'ok') failures.push(result);
}

for (const result of failures) {
  let body = '';
  try {
    body = (await result.response.text()).slice(0, 300);
  } catch {
    // the body was read by the audit already
  }
  console.log(
    `${result.status.toUpperCase()} ${result.id} ${result.name}\n` +
      `  ${result.reason} (HTTP ${result.response.status}, ` +
      `${result.response.headers.get('content-type')}) ${body}`,
  );
}

const total = (status) => results.filter((r) => r.status === status).length;
const byLevel = (lvl) =>
  `${lvl}: ${counts[`${lvl} ok`] ?? 0}/${results.filter((r) => level(r) === lvl).length} pass`;
console.log(
  `graphql-http audit of ${url}: ${results.length} audits; ` +
    `${['MUST', 'SHOULD', 'MAY'].map(byLevel).join(', ')}; ` +
    `${total('error')} errors, ${total('warn')} warnings, ${total('notice')} notices`,
);
process.exit(total('error') || total('warn') ? 1 : 0);
