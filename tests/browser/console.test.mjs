// Drives Debian's chromium through the operator console (run by console_browser_test,
// which starts `serve` and prepares a dead letter, a quarantined webhook delivery and a
// payment dead letter). Fails on any console error, page error, failed request or
// unexpected HTTP error, and on a page holding a personal ID from LT_IDS_FILE.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import puppeteer from "puppeteer-core";

// axe-core (npm, pinned in package-lock.json) checks each page against WCAG 2.1 A and AA
// rules: labels, names, contrast, landmarks, language. Run through DevTools, so the
// console's CSP (no inline script) stays as it is.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env("LT_ADMIN_URL");
const shots = env("LT_SHOTS");
const password = env("LT_PASSWORD");
const deadId = env("LT_DEAD_ID");
const paymentId = env("LT_PAYMENT_ID");
const quarantineId = env("LT_QUARANTINE_ID");
const personalIds = new Set(readFileSync(env("LT_IDS_FILE"), "utf8").split("\n").filter(Boolean));

const problems = [];
const fail = (what) => {
  problems.push(what);
  console.log(`FAIL ${what}`);
};
const check = (ok, what) => (ok ? console.log(`ok   ${what}`) : fail(what));

const cli = (...args) =>
  execFileSync(env("LT_BIN"), [...args, "--config", env("LT_CONFIG")], { encoding: "utf8" });
const outboxState = (id) => JSON.parse(cli("outbox", "show", id, "--json")).state;

const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    ...(process.getuid && process.getuid() === 0 ? ["--no-sandbox"] : []),
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
  ],
});

let shotNo = 0;
async function session(user) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on("console", (m) => {
    if (m.type() === "error") fail(`${user}: console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => fail(`${user}: page error: ${e.message}`));
  page.on("requestfailed", (r) => fail(`${user}: request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) fail(`${user}: HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("dialog", (d) => d.accept());  // the script's confirmation before an action
  await page.goto(`${base}/console/`);
  check(page.url().endsWith("/console/login"), `${user}: an anonymous visit goes to the login page`);
  await page.type("#user", user);
  await page.type("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main form:last-of-type button[type=submit]")]);
  check(page.url() === `${base}/console/`, `${user}: logged in`);
  const cookies = await page.cookies();
  const cookie = cookies.find((c) => c.name === "lt_console");
  check(cookie && cookie.httpOnly && cookie.sameSite === "Strict", `${user}: session cookie is HttpOnly, SameSite=Strict`);
  return { page, context, cookie: cookie ? `lt_console=${cookie.value}` : "" };
}

async function open(s, path, heading, name) {
  const response = await s.page.goto(`${base}${path}`);
  check(response.status() === 200, `${path}: answered 200`);
  const h1 = await s.page.$eval("h1", (e) => e.textContent);
  check(h1.includes(heading), `${path}: heading "${heading}" (got "${h1}")`);
  const csp = response.headers()["content-security-policy"] || "";
  check(csp.startsWith("default-src 'self'"), `${path}: CSP default-src 'self'`);
  const html = await s.page.content();
  for (const m of html.matchAll(/\d{9,12}/g)) {
    if (personalIds.has(m[0])) fail(`${path}: shows a personal ID`);
  }
  // Every form control has a label (accessibility).
  const unlabelled = await s.page.$$eval("input:not([type=hidden]), select", (els) =>
    els.filter((e) => !(e.id && document.querySelector(`label[for="${e.id}"]`))).length);
  check(unlabelled === 0, `${path}: every control is labelled`);
  await s.page.evaluate(axeSource);
  const axe = await s.page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  for (const v of axe) console.log(`     axe ${path}: ${v.impact} ${v.id} at ${v.nodes.slice(0, 3).join(", ")}`);
  check(axe.length === 0, `${path}: no WCAG 2.1 A/AA violation found by axe-core (${axe.map((v) => v.id).join(", ")})`);
  await s.page.screenshot({ path: `${shots}/${String(++shotNo).padStart(2, "0")}-${name}.png`, fullPage: true });
}

async function act(s, path, action, reason) {
  await s.page.goto(`${base}${path}`);
  await s.page.type(`#reason-${action}`, reason);
  await Promise.all([
    s.page.waitForNavigation(),
    s.page.click(`form[action$="/${action}"] button[type=submit]`),
  ]);
  return s.page.$eval("main", (e) => e.textContent);
}

// A POST from outside the page (the page would log the refused answer as a console error).
async function rawPost(s, path, body) {
  const r = await fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: s.cookie },
    body,
  });
  return r.status;
}

const started = Date.now();
try {
  // Every page, as a viewer; screenshots under the build folder.
  const viewer = await session("xem");
  const dossier = JSON.parse(cli("outbox", "show", deadId, "--json")).ordering_key.split(":").slice(1).join(":");
  for (const [path, heading, name] of [
    ["/console/", "Tổng quan", "tong-quan"],
    [`/console/dossier?code=${encodeURIComponent(dossier)}`, "Hồ sơ", "ho-so"],
    ["/console/outbox", "Hộp thư đi", "hop-thu-di"],
    [`/console/outbox/${deadId}`, `Thư số ${deadId}`, "thu-chet"],
    ["/console/quarantine", "Cách ly", "cach-ly"],
    [`/console/quarantine/${quarantineId}`, "Bản ghi cách ly", "ban-ghi-cach-ly"],
    ["/console/requests", "Yêu cầu duyệt", "yeu-cau-duyet"],
    ["/console/reconciliation", "Đối soát", "doi-soat"],
    ["/console/kpi", "Chỉ số", "chi-so"],
    // The simulator's dossiers were received from 1 October 2024 over ten weeks.
    ["/console/kpi?period=2024-Q4", "Chỉ số", "chi-so-quy-4-2024"],
    ["/console/kpi?period=2024-Q4&indicator=digitised_dossiers&by=level", "Chỉ số", "chi-so-so-hoa-theo-cap"],
    ["/console/citizen", "Tra cứu công dân", "tra-cuu-cong-dan"],
  ])
    await open(viewer, path, heading, name);
  {
    await viewer.page.goto(`${base}/console/kpi?period=2024-Q4`);
    const text = await viewer.page.$eval("main", (e) => e.textContent);
    check(text.includes("Toàn tỉnh") && !text.includes("Không có hồ sơ nào trong kỳ"),
          "KPI 2024-Q4: the simulator's resolved dossiers are counted, per agency and in total");
    check(/Số liệu tính lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/.test(text), "KPI: says when its figures were computed");
    const aligned = await viewer.page.$$eval("th.num", (ths) =>
      ths.map((th) => getComputedStyle(th).textAlign));
    check(aligned.length > 0 && aligned.every((a) => a === "right"), "KPI: headings of figures are right-aligned");
    // serve computes the heavy figures in its console-refresh job (first run a second after start).
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const runs = /lienthong_scheduler_runs_total\{job="console-refresh"\} (\d+)/.exec(metrics);
    const failures = /lienthong_scheduler_failures_total\{job="console-refresh"\} (\d+)/.exec(metrics);
    check(runs && Number(runs[1]) >= 1, `the console-refresh job has run (${runs && runs[1]})`);
    check(failures && Number(failures[1]) === 0, "the console-refresh job has not failed");
  }

  // Keyboard: the first Tab reaches the skip link, which leads to the page's content; Tab
  // then walks the navigation links in order.
  await viewer.page.goto(`${base}/console/`);
  await viewer.page.keyboard.press("Tab");
  check(await viewer.page.evaluate(() => document.activeElement.classList.contains("skip")),
        "keyboard: the first Tab reaches the skip link");
  await viewer.page.keyboard.press("Enter");
  check((await viewer.page.evaluate(() => location.hash)) === "#main", "keyboard: the skip link leads to <main>");
  await viewer.page.goto(`${base}/console/`);
  const tabbed = [];
  for (let i = 0; i < 4; ++i) {
    await viewer.page.keyboard.press("Tab");
    tabbed.push(await viewer.page.evaluate(() => document.activeElement.textContent.trim()));
  }
  check(tabbed.slice(1).join("|") === "Tổng quan|Hồ sơ|Hộp thư đi", `keyboard: Tab walks the navigation (${tabbed.join("|")})`);

  // A viewer sees no action and cannot act.
  await viewer.page.goto(`${base}/console/outbox/${deadId}`);
  check((await viewer.page.$(`form[action$="/replay"]`)) === null, "viewer: no replay form");
  const viewerCsrf = await viewer.page.$eval("input[name=csrf]", (e) => e.value);
  check((await rawPost(viewer, `/console/outbox/${deadId}/replay`, `csrf=${viewerCsrf}&reason=x`)) === 403,
        "viewer: a replay POST is refused (403)");
  check(outboxState(deadId) === "dead", "viewer: the dead letter is still dead (CLI)");

  // The operator: a POST without the CSRF token is refused; then a replay and a retry.
  const operator = await session("vanhanh");
  check((await rawPost(operator, `/console/outbox/${deadId}/replay`, "reason=x")) === 403,
        "operator: a POST without the CSRF token is refused (403)");
  check(outboxState(deadId) === "dead", "the refused POST changed nothing (CLI)");
  let text = await act(operator, `/console/outbox/${deadId}`, "replay", "DVCQG đã hoạt động lại");
  check(text.includes("Đã đưa thư trở lại hàng đợi gửi."), "operator: replay announced");
  check(text.includes("DVCQG đã hoạt động lại") && text.includes("vanhanh"), "operator: replay in the record's trail");
  let state = outboxState(deadId);
  for (let i = 0; i < 50 && state !== "sent"; ++i) {
    await new Promise((r) => setTimeout(r, 100));
    state = outboxState(deadId);
  }
  check(state === "sent", `the replayed message was delivered (CLI: ${state})`);
  text = await act(operator, `/console/quarantine/${quarantineId}`, "retry", "đã bổ sung bảng mã loại hình");
  check(text.includes("Đã xử lý lại bản ghi cách ly"), "operator: quarantine retry announced");
  const q = JSON.parse(cli("quarantine", "show", quarantineId, "--json"));
  check(q.released === true, "the retried record left quarantine (CLI)");

  // Four eyes: a payment dead letter needs a second person with the approver role.
  const first = await session("duyet1");
  text = await act(first, `/console/outbox/${paymentId}`, "replay", "ngân hàng xác nhận chưa nhận");
  check(text.includes("cần một người phê duyệt khác"), "approver 1: request created");
  check(outboxState(paymentId) === "dead", "the payment dead letter waits for approval (CLI)");
  await first.page.goto(`${base}/console/requests`);
  check((await first.page.$(`form[action$="/approve"]`)) === null, "approver 1: cannot approve their own request");
  const second = await session("duyet2");
  await second.page.goto(`${base}/console/requests`);
  await second.page.type("input[id^=reason-approve-]", "đã đối chiếu sao kê");
  await Promise.all([second.page.waitForNavigation(), second.page.click(`form[action$="/approve"] button[type=submit]`)]);
  check((await second.page.$eval("main", (e) => e.textContent)).includes("Đã phê duyệt"), "approver 2: approved");
  check(outboxState(paymentId) === "pending", "the approved replay put the payment message back in line (CLI)");
  await open(second, `/console/outbox/${paymentId}`, `Thư số ${paymentId}`, "thu-thanh-toan");
} catch (e) {
  fail(`script stopped: ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`${problems.length} problem(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(problems.length ? 1 : 0);
