// Opens the Hawtio console in a real headless Chromium, the way an operator would, and reads the Camel routes table.
//
//   node hawtio-routes.mjs <baseUrl> <screenshotPath> <routeId...> [--wait-exchanges=<routeId>] [--login=<user>]
//                          [--context=<camelContextName>] [--operate=<routeId>] [--try-denied]
//
// --context picks that Camel context's routes folder when the JVM runs several (tests keep more than one hub
// context alive); without it, the first one in the tree.
// With --login, the console must first show the hub's login form (security on): the script signs in as <user> with
// the password in the environment variable HAWTIO_PASSWORD (not on the command line, which other processes can read),
// and must land back on the console. Without it, a login form is a failure (dev profile: no login).
// Path: <baseUrl>/actuator/hawtio -> Camel (left nav) -> the context's "routes" folder in the tree -> "Routes" tab.
// Waits (on conditions, never fixed delays) for every <routeId> to be listed and, with --wait-exchanges, for that
// route's exchange total to be above 0 (Hawtio refreshes its Jolokia reads every 5 s). Then takes a full-page
// screenshot and prints one JSON line on stdout:
//   {"routesFound":[...],"pageTitle":"...","url":"...","columns":[...],"routes":{"<id>":{"State":"Started",...}},
//    "exchangesTotal":{"<id>":1,...},"screenshot":"...","loginPage":"<url>"|null,"refused":["403 POST <url>",...],
//    "operated":{...},"denied":[...]}
// "refused" lists what the hub refused to the console while browsing, before the deliberate steps below.
// --operate: what an operator does to a route in the Routes tab: tick its row, click Stop; once the table shows it
// Stopped, click Start and wait for Started. Each click's Jolokia answer and the console's notice are reported:
//   "operated":{"route":"<id>","stop":{"offered":true,"status":200,"jolokiaStatus":200,"problemType":null,
//               "notice":"...1 routes stopped successfully","stateShown":"Stopped"},"start":{...}|null}
// A button the console greys out (a VIEWER: the hub tells Hawtio what each user may invoke) is reported as
// {"offered":false}; a refused stop is reported with its status and problem type. Either way no start is tried.
// --try-denied: from the logged-in page (its session cookie, its origin, its XSRF token, the console's Jolokia URL),
// POSTs what must be refused to everyone: HotSpotDiagnostic dumpHeap and Camel's sendStringBody to a file: endpoint.
//   "denied":[{"mbean":"...","operation":"...","status":403,"problemType":"...","jolokiaStatus":null}],
//   "deniedFiles":["<heap dump path>","<file the send would write>"] (neither may exist afterwards)
// Exit 0 when everything was found; 1 with a message naming what was missing; 2 on bad arguments.
// Uses Debian's /usr/bin/chromium (override: CHROMIUM_PATH); no Playwright browser download.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// An upper bound, not a pause: every step waits for what it needs. Hawtio loads slowly on a busy 2-core machine.
const WAIT_MS = Number(process.env.HAWTIO_WAIT_MS || 120_000);

const options = process.argv.slice(2).filter(a => a.startsWith('--'));
const [baseUrl, screenshotPath, ...routeIds] = process.argv.slice(2).filter(a => !a.startsWith('--'));
/** The value of --<name>=<value>, or undefined. */
const option = name => options.find(o => o.startsWith(`--${name}=`))?.slice(name.length + 3);
const waitExchanges = option('wait-exchanges');
const loginUser = option('login');
const camelContext = option('context');
const operateRoute = option('operate');
const tryDenied = options.includes('--try-denied');
// Hawtio's tree ids are the path of names: ...-<context>-routes-folder.
const routesFolderSelector = camelContext
  ? `li[role=treeitem][id$="-${camelContext}-routes-folder"]`
  : 'li[role=treeitem][id$="-routes-folder"]';
const loginPassword = process.env.HAWTIO_PASSWORD;
if (loginUser && !loginPassword) {
  console.error('--login needs the password in the environment variable HAWTIO_PASSWORD');
  process.exit(2);
}
if (!baseUrl || !screenshotPath || routeIds.length === 0) {
  console.error('usage: node hawtio-routes.mjs <baseUrl> <screenshotPath> <routeId...> [--wait-exchanges=<routeId>]');
  process.exit(2);
}
const consoleUrl = baseUrl.replace(/\/+$/, '') + '/actuator/hawtio';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hawtio-chromium-'));
let context;
let page;
let step = 'launching Chromium';
const browserErrors = [];
/** Requests the hub refused (401/403): the access rules at work, or a console that lacks a permission. */
const refused = [];
/** Until the deliberate steps (--operate, --try-denied), whose refusals are expected and reported on their own. */
let browsing = true;
/** Where the console sends its Jolokia requests; --try-denied sends there too. */
let consoleJolokiaUrl = null;

/** Reads the routes table as {columns, rows: [{Name, State, Total, ...}]} (runs in the page). */
function readRoutesTable() {
  const table = document.querySelector('#camel-routes-table');
  if (!table) return null;
  const columns = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
  const rows = [...table.querySelectorAll('tbody tr')].map(tr => {
    const row = {};
    [...tr.querySelectorAll('td')].forEach((td, i) => {
      if (columns[i]) row[columns[i]] = td.innerText.trim();
    });
    return row;
  }).filter(row => row.Name);
  return { columns: columns.filter(Boolean), rows };
}

async function fail(message) {
  let detail = '';
  if (page) {
    detail += `\n  at: ${page.url()}`;
    const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    detail += `\n  page text (start): ${text.replace(/\s+/g, ' ').slice(0, 800)}`;
    await page.screenshot({ path: screenshotPath, fullPage: true }).catch(() => {});
    detail += `\n  screenshot of the failure: ${screenshotPath}`;
  }
  if (browserErrors.length) detail += `\n  browser errors: ${browserErrors.slice(0, 10).join(' | ')}`;
  console.error(`hawtio-routes: ${message}${detail}`);
  await context?.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(1);
}

/** Whether a request is a Jolokia exec of `operation` (as Hawtio sends it, alone or in a bulk) on route `routeId`. */
function isRouteExec(request, routeId, operation) {
  if (request.method() !== 'POST' || !/\/jolokia\/?(\?|$)/.test(request.url())) return false;
  let body;
  try {
    body = JSON.parse(request.postData() ?? '');
  } catch {
    return false;
  }
  return [body].flat().some(one => one?.type === 'exec' && one.operation === operation
    && String(one.mbean).includes(`name="${routeId}"`));
}

/** What the hub answered: the HTTP status, Jolokia's own status, or the hub's problem type when it refused. */
function describeAnswer(status, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the status says enough.
  }
  const one = Array.isArray(body) ? body[0] : body;
  // A problem+json refusal has a type at the top; a Jolokia answer has its request's type inside "request".
  const problemType = typeof one?.type === 'string' ? one.type : null;
  return { status, jolokiaStatus: problemType ? null : one?.status ?? null, problemType };
}

/** The State the Routes table shows for a route (Hawtio re-reads it every few seconds). */
async function waitForRouteState(routeId, state) {
  const shown = await page.waitForFunction(
    ([id, wanted]) => window.__readRoutesTable()?.rows.find(r => r.Name === id)?.State === wanted,
    [routeId, state],
  ).then(() => true, () => false);
  return shown ? state : (await page.evaluate(readRoutesTable))?.rows.find(r => r.Name === routeId)?.State;
}

/**
 * Clicks the Routes toolbar's button `label` for the ticked route and waits for the hub's answer to the `operation` it
 * sends, and for the console's notice of success or failure. Then, if Jolokia ran it, for the table to show `state`.
 */
async function clickRouteButton(routeId, label, operation, state) {
  step = `clicking ${label} for route ${routeId}`;
  const button = page.locator('#camel-routes-toolbar').getByRole('button', { name: label, exact: true });
  if (!(await button.isEnabled())) {
    return { offered: false };
  }
  const answered = page.waitForResponse(r => isRouteExec(r.request(), routeId, operation));
  await button.click();
  const response = await answered;
  // On a 403 Hawtio logs the user out and leaves the page: the body may be gone by then.
  const answer = { offered: true, ...describeAnswer(response.status(), await response.text().catch(() => '')) };
  step = `waiting for the console's notice after ${label} on ${routeId}`;
  const verb = label.toLowerCase();
  answer.notice = await page.getByText(new RegExp(`routes ${verb}p?ed successfully|Couldn't ${verb} the route`))
    .first().textContent().catch(() => null);
  step = `waiting for route ${routeId} to be shown ${state}`;
  answer.stateShown = answer.jolokiaStatus === 200
    ? await waitForRouteState(routeId, state)
    : (await page.evaluate(readRoutesTable))?.rows.find(r => r.Name === routeId)?.State;
  return answer;
}

/** --operate: ticks the route's row, stops it, and once it is shown Stopped, starts it again. */
async function stopAndStart(routeId) {
  step = `ticking route ${routeId} in the Routes table`;
  const row = page.locator('#camel-routes-table tbody tr')
    .filter({ has: page.locator('td[data-label="Name"]').getByText(routeId, { exact: true }) });
  await row.getByRole('checkbox').check();
  const stop = await clickRouteButton(routeId, 'Stop', 'stop()', 'Stopped');
  const start = stop.stateShown === 'Stopped' ? await clickRouteButton(routeId, 'Start', 'start()', 'Started') : null;
  return { route: routeId, stop, start };
}

/**
 * --try-denied: what gave an operator the host (issue 18), sent the way a page script of the console would: a
 * same-origin POST riding on the session cookie, with the XSRF token Hawtio echoes, to the console's Jolokia URL.
 */
async function tryDeniedOperations() {
  step = 'sending denied Jolokia operations from the page';
  const probeDir = path.join(os.tmpdir(), `hawtio-denied-${process.pid}`);
  const heapDump = path.join(os.tmpdir(), `hawtio-denied-${process.pid}.hprof`);
  const sentFile = path.join(probeDir, 'written-by-the-console.txt');
  const jolokiaUrl = consoleJolokiaUrl ?? `${consoleUrl}/jolokia`;
  const denied = await page.evaluate(async ({ url, context, heapDump, probeDir }) => {
    const token = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='))?.slice('XSRF-TOKEN='.length);
    const post = async request => {
      const response = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', ...(token ? { 'X-XSRF-TOKEN': decodeURIComponent(token) } : {}) },
        body: JSON.stringify(request),
      });
      return { status: response.status, text: await response.text() };
    };
    // The Camel context's MBean, as the console's own search finds it (a read, allowed to both roles).
    const search = JSON.parse((await post({ type: 'search', mbean: 'org.apache.camel:type=context,*' })).text);
    const contexts = search.value ?? [];
    const camel = contexts.find(name => !context || name.includes(`name="${context}"`)) ?? contexts[0];
    const requests = [
      { type: 'exec', mbean: 'com.sun.management:type=HotSpotDiagnostic',
        operation: 'dumpHeap(java.lang.String,boolean)', arguments: [heapDump, true] },
      { type: 'exec', mbean: camel, operation: 'sendStringBody(java.lang.String,java.lang.String)',
        arguments: [`file:${probeDir}?fileName=written-by-the-console.txt`, 'sent from the console'] },
    ];
    const answers = [];
    for (const request of requests) {
      answers.push({ mbean: request.mbean, operation: request.operation, ...(await post(request)) });
    }
    return answers;
  }, { url: jolokiaUrl, context: camelContext, heapDump, probeDir });
  return {
    denied: denied.map(({ mbean, operation, status, text }) => ({ mbean, operation, ...describeAnswer(status, text) })),
    deniedFiles: [heapDump, sentFile],
    jolokiaUrl,
  };
}

try {
  fs.mkdirSync(path.dirname(path.resolve(screenshotPath)), { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1920, height: 1000 },
    // Without the background-networking flags Chromium hangs on a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(WAIT_MS);
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', e => browserErrors.push(String(e.message ?? e).slice(0, 300)));
  // Refused requests (401/403 from the hub's access rules) explain an empty console.
  page.on('response', r => {
    if (r.status() >= 400) browserErrors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    if (browsing && (r.status() === 401 || r.status() === 403)) {
      refused.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('request', r => {
    if (!consoleJolokiaUrl && r.method() === 'POST' && /\/jolokia\/?(\?|$)/.test(r.url())) consoleJolokiaUrl = r.url();
  });

  step = `opening ${consoleUrl}`;
  const response = await page.goto(consoleUrl, { waitUntil: 'domcontentloaded' });
  if (!response || response.status() >= 400) {
    await fail(`${consoleUrl} answered HTTP ${response?.status()}`);
  }

  // The console either shows the Camel tree (no login) or a login form: wait for whichever comes first.
  step = 'waiting for the Camel tree (or a login form)';
  const tree = page.locator('ul[role=tree]#camel-tree-view');
  const password = page.locator('input[type=password]');
  await tree.or(password).first().waitFor();
  let loginPage = null;
  if (await password.isVisible()) {
    if (!loginUser) {
      await fail('the console shows a login form: authentication is on (expected none in the dev profile)');
    }
    step = `logging in as ${loginUser} on ${page.url()}`;
    loginPage = page.url();
    await page.locator('input[name=username]').fill(loginUser);
    await password.fill(loginPassword);
    await page.locator('button[type=submit]').click();
    step = 'waiting for the Camel tree after login';
    await tree.waitFor();
  } else if (loginUser) {
    await fail(`expected a login form before the console (--login=${loginUser}), got the console directly`);
  }

  step = 'opening the Camel plugin';
  await page.locator('a[href$="/actuator/hawtio/camel"]').first().click();

  step = `selecting the routes folder of the Camel context ${camelContext ?? '(first)'} in the tree`;
  const routesFolder = page.locator(routesFolderSelector).first();
  // With several contexts, only the first one's branch starts expanded.
  if (camelContext && !(await routesFolder.isVisible())) {
    await page.getByRole('button', { name: 'Expand all' }).click();
  }
  await routesFolder.locator(':scope > div button[class*="tree-view__node-text"]').first().click();
  await page.waitForFunction(
    selector => document.querySelector(selector)?.getAttribute('aria-selected') === 'true', routesFolderSelector);

  step = 'opening the Routes tab';
  await page.locator('a[href$="/camel/routes"]').first().click();
  await page.locator('#camel-routes-table').waitFor();
  // Install the table reader in the page once (a string evaluated over CDP: Hawtio's CSP forbids eval in the page).
  await page.evaluate(`window.__readRoutesTable = ${readRoutesTable.toString()}`);

  step = `waiting for routes ${routeIds.join(', ')}`;
  const listed = await page.waitForFunction(
    ids => {
      const table = window.__readRoutesTable();
      return table && ids.every(id => table.rows.some(r => r.Name === id));
    },
    routeIds,
  ).then(() => true, () => false);
  if (!listed) {
    const table = await page.evaluate(readRoutesTable);
    const names = table?.rows.map(r => r.Name) ?? [];
    await fail(`the Routes table does not list: ${routeIds.filter(id => !names.includes(id)).join(', ')} `
      + `(listed: ${names.join(', ') || 'none'})`);
  }

  if (waitExchanges) {
    step = `waiting for exchanges on ${waitExchanges}`;
    const counted = await page.waitForFunction(
      id => {
        const table = window.__readRoutesTable();
        const row = table?.rows.find(r => r.Name === id);
        return row && Number(row.Total) > 0;
      },
      waitExchanges,
    ).then(() => true, () => false);
    if (!counted) {
      const table = await page.evaluate(readRoutesTable);
      await fail(`route ${waitExchanges} shows no exchanges (Total column: `
        + `${JSON.stringify(table?.rows.find(r => r.Name === waitExchanges)?.Total ?? 'absent')})`);
    }
  }

  // The table as the console showed it on arrival, before anything was done to a route.
  const table = await page.evaluate(readRoutesTable);
  browsing = false;
  const operated = operateRoute ? await stopAndStart(operateRoute) : undefined;
  const denied = tryDenied ? await tryDeniedOperations() : undefined;

  step = 'taking the screenshot';
  await page.screenshot({ path: screenshotPath, fullPage: true });

  const routes = Object.fromEntries(table.rows.map(r => [r.Name, r]));
  const result = {
    routesFound: routeIds.filter(id => routes[id]),
    loginPage,
    refused,
    pageTitle: await page.title(),
    url: page.url(),
    columns: table.columns,
    routes,
    screenshot: screenshotPath,
    operated,
    ...denied,
  };
  if (table.columns.includes('Total')) {
    result.exchangesTotal = Object.fromEntries(table.rows.map(r => [r.Name, Number(r.Total)]));
  }
  console.log(JSON.stringify(result));
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(0);
} catch (e) {
  await fail(`failed while ${step}: ${e.message?.split('\n')[0] ?? e}`);
}
