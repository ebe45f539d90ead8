// What every staff page shares: reading and changing through the platform's own API with the sign-in
// cookie, the antiforgery token each change carries, the sign-in form, and times shown in Asia/Shanghai.
window.Staff = (function () {
  'use strict';

  class SignInNeeded extends Error {}

  async function failure(response) {
    const body = await response.json().catch(() => null);
    if (response.status === 401) return new SignInNeeded(body && body.detail || '请先登录');
    const items = body && Array.isArray(body.errors) ? body.errors.map(e => e.message).filter(Boolean) : [];
    const message = body && (body.detail || body.title) || ('HTTP ' + response.status);
    return new Error(items.length ? message + '：' + items.join('；') : message);
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) throw await failure(response);
    return response.json();
  }

  // A change: POSTed with the sign-in cookie and the antiforgery token (fetched once a sign-in); answers the body, if any.
  let xsrf = null;
  async function send(url, body, headers) {
    xsrf = xsrf || await getJson('/api/auth/antiforgery');
    const response = await fetch(url, {
      method: 'POST', headers: { Accept: 'application/json', [xsrf.headerName]: xsrf.token, ...headers }, credentials: 'same-origin', body,
    });
    if (!response.ok) throw await failure(response);
    return response.json().catch(() => null);
  }

  function post(url, body) {
    return send(url, JSON.stringify(body || {}), { 'Content-Type': 'application/json' });
  }

  // Photos (multipart, as POST /api/photos takes them): answers their content hashes in the order sent.
  async function upload(files) {
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    return (await send('/api/photos', form)).map(p => p.hash);
  }

  // The sign-in form (#login): shown when a page finds it is not signed in; start() runs again after.
  function signInWith(start) {
    const login = document.getElementById('login');
    login.addEventListener('submit', async e => {
      e.preventDefault();
      const error = document.getElementById('login-error');
      error.textContent = '';
      const response = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ username: document.getElementById('username').value, password: document.getElementById('password').value }),
      });
      if (!response.ok) {
        error.textContent = (await failure(response)).message;
        return;
      }
      xsrf = null;
      login.hidden = true;
      start();
    });
    const out = document.getElementById('sign-out');
    if (out) {
      out.addEventListener('click', async e => {
        e.preventDefault();
        await post('/api/auth/logout').catch(() => null);
        location.reload();
      });
    }
    return function askToSignIn() {
      login.hidden = false;
      document.getElementById('username').focus();
    };
  }

  async function me() {
    const who = await getJson('/api/auth/me');
    document.getElementById('who').textContent = who.displayName + '（' + who.roleLabels.join('、') + '）';
    return who;
  }

  // A term and its value in a <dl>; nothing when there is no value.
  function row(dl, term, value) {
    if (value === null || value === undefined || value === '') return;
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }

  const shanghai = new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  });
  function when(iso) {
    return iso ? shanghai.format(new Date(iso)).replace(/\//g, '-') : '';
  }

  return { SignInNeeded, getJson, post, upload, signInWith, me, when, row };
})();
