// The case desk: the cases of the signed-in person's part of the tree, newest first, by status, traffic light,
// source, region and date; one case with every step; and the actions the person's roles may take in its state.
// The server decides: a refused action shows its reason (403, 409) and changes nothing.
(function () {
  'use strict';

  const { SignInNeeded, getJson, post, upload, when, row } = window.Staff;
  const tbody = document.querySelector('#cases tbody');
  const status = document.getElementById('status');
  const more = document.getElementById('more');
  const detail = document.getElementById('detail');

  const LIGHTS = { red: '红灯', yellow: '黄灯', green: '绿灯' };
  const SUPERVISION = { None: '', Normal: '督办', Yellow: '黄牌督办', Red: '红牌督办' };
  const SOURCES = { GridWorker: '网格员巡查', Resident: '居民上报', Hotline: '12345 热线', Leader: '领导交办', Inspection: '督查检查' };
  const STEPS = {
    Report: '上报', Linked: '同一问题再次上报', Accept: '受理', Register: '立案', Void: '作废', Dispatch: '派遣', Start: '签收',
    Return: '回退', Feedback: '处理反馈', VerifyPassed: '核查通过', VerifyFailed: '核查未通过（返工）', Close: '结案',
    ExtensionRequested: '申请延期', ExtensionApproved: '同意延期', ExtensionRefused: '不同意延期', Park: '挂账', Resume: '恢复',
    Supervise: '督办', Rate: '评价', Reopen: '重开', Joint: '会办', TaskDone: '会办任务完成',
  };
  const RESULTS = { Fixed: '已解决', NotFixed: '未解决', Satisfied: '满意', BasicallySatisfied: '基本满意', Dissatisfied: '不满意', Normal: '普通', Yellow: '黄牌', Red: '红牌' };
  const OPEN = ['Reported', 'Accepted', 'Registered', 'Dispatched', 'InProgress', 'Handled', 'Verified', 'Parked'];

  const text = (name, label, required) => ({ name, label, type: 'text', required });
  // A decision starts unchosen: a check, a close or a rating is never passed by a tap on the default.
  const choice = (name, label, options, bool) => ({ name, label, type: 'select', options, bool, required: true });
  const LEVELS = ['None', 'Normal', 'Yellow', 'Red'];
  const unit = (name, label, fallback) => ({ name, label, type: 'unit', fallback, required: !fallback });
  const photos = { name: 'photos', label: '照片（JPEG、PNG 或 WebP，最多 10 张）', type: 'file' };
  // A unit acts on the cases it leads; a cooperating unit only on its own 会办 task.
  const leads = d => !me.unitCode || d.case.unitCode === me.unitCode;
  const cooperates = d => d.jointTasks.some(t => t.unit === me.unitCode && !t.done);
  // Each action as docs/cases.md lists it: the states it starts from, the roles that may take it, what it asks.
  const ACTIONS = [
    { action: 'accept', label: '受理', from: ['Reported'], roles: ['Intake', 'ShiftLeader'], fields: [] },
    { action: 'register', label: '立案', from: ['Reported', 'Accepted'], roles: ['ShiftLeader'], fields: [text('comment', '意见')] },
    { action: 'void', label: '作废', from: ['Reported', 'Accepted', 'Registered'], roles: ['ShiftLeader'], fields: [text('reason', '作废理由', true)] },
    { action: 'dispatch', label: '派遣', from: ['Registered'], roles: ['Dispatcher'], fields: d => [d.routedUnitCode ? unit('unit', '处置单位', '路由单位：' + unitName(d.routedUnitCode)) : unit('unit', '处置单位')] },
    {
      action: 'joint', label: '会办', from: ['Dispatched', 'InProgress'], roles: ['Dispatcher'], fields: [unit('unit', '协办单位'), text('task', '协办任务', true)],
      except: d => [d.case.unitCode, ...d.jointTasks.filter(t => !t.done).map(t => t.unit)],
      body: b => ({ cooperating: [{ unit: b.unit, task: b.task }] }),
    },
    { action: 'start', label: '签收', from: ['Dispatched'], roles: ['HandlingUnit'], when: leads, fields: [] },
    { action: 'feedback', label: '处理反馈', from: ['Dispatched', 'InProgress'], roles: ['HandlingUnit'], when: leads, fields: [text('result', '处理结果', true), photos] },
    { action: 'task', label: '会办任务完成', from: ['Dispatched', 'InProgress'], roles: ['HandlingUnit'], when: cooperates, fields: [text('result', '完成情况', true), photos] },
    { action: 'return', label: '回退', from: ['Dispatched', 'InProgress'], roles: ['HandlingUnit'], when: leads, fields: [text('reason', '回退理由', true)] },
    { action: 'extend', label: '申请延期', from: ['Dispatched', 'InProgress'], roles: ['HandlingUnit'], when: d => leads(d) && !d.extensionAskedUntil, fields: [{ name: 'workingDays', label: '延长工作日数', type: 'number', required: true }, text('reason', '延期理由', true)] },
    { action: 'extension', label: '审批延期', from: ['Dispatched', 'InProgress', 'Parked'], roles: ['Dispatcher'], when: d => !!d.extensionAskedUntil, fields: [choice('approve', '审批', [['true', '同意'], ['false', '不同意']], true), text('comment', '意见（不同意时必填）')] },
    { action: 'verify', label: '核查', from: ['Handled'], roles: ['GridWorker'], fields: [choice('done', '核查结果', [['true', '已整改'], ['false', '未整改，返工']], true), text('comment', '核查意见（返工时必填）'), photos] },
    { action: 'close', label: '结案', from: ['Verified'], roles: ['ShiftLeader'], fields: [choice('outcome', '结果', [['Fixed', '已解决'], ['NotFixed', '未解决']]), text('comment', '说明（未解决时必填）')] },
    { action: 'park', label: '挂账', from: ['Registered', 'Dispatched', 'InProgress'], roles: ['Dispatcher'], fields: [text('reason', '挂账理由', true)] },
    { action: 'resume', label: '恢复', from: ['Parked'], roles: ['Dispatcher'], fields: [text('comment', '意见')] },
    {
      action: 'supervise', label: '督办', from: OPEN, roles: ['Leader', 'ShiftLeader'], when: d => d.case.supervision !== 'Red',
      fields: d => [choice('level', '督办级别', [['Normal', '普通'], ['Yellow', '黄牌'], ['Red', '红牌']].filter(([l]) => LEVELS.indexOf(l) > LEVELS.indexOf(d.case.supervision))), text('comment', '督办意见')],
    },
    { action: 'rate', label: '回访评价', from: ['Closed'], roles: ['Intake'], when: d => !d.rating, fields: [choice('rating', '评价', [['满意', '满意'], ['基本满意', '基本满意'], ['不满意', '不满意']]), text('comment', '回访记录')] },
    { action: 'reopen', label: '重开', from: ['Closed'], roles: ['ShiftLeader'], fields: [text('reason', '重开理由', true)] },
  ];

  let me = null;
  let categories = {};
  let unitList = [];
  let next = null;
  let query = '';
  let readyResolve;
  const ready = new Promise(r => { readyResolve = r; });

  function cell(row, content, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.append(content ?? '');
    row.appendChild(td);
    return td;
  }

  function light(value) {
    const span = document.createElement('span');
    span.className = 'light ' + (value || 'none');
    span.title = LIGHTS[value] || '无时限';
    span.textContent = LIGHTS[value] ? LIGHTS[value][0] : '—';
    return span;
  }

  function nextDay(date) {
    const [y, m, d] = date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  }

  function filters() {
    const p = new URLSearchParams();
    const value = id => document.getElementById(id).value.trim();
    if (value('f-status')) p.set('status', value('f-status'));
    if (value('f-light')) p.set('light', value('f-light'));
    if (value('f-source')) p.set('source', value('f-source'));
    if (value('f-region')) p.set('region', value('f-region'));
    if (value('f-from')) p.set('from', value('f-from') + 'T00:00:00+08:00');
    if (value('f-to')) p.set('to', nextDay(value('f-to')) + 'T00:00:00+08:00');
    if (document.getElementById('f-overdue').checked) p.set('overdue', 'true');
    p.set('limit', '50');
    return p.toString();
  }

  async function load(append) {
    status.textContent = '正在加载…';
    more.hidden = true;
    try {
      const page = await getJson('/api/cases?' + query + (append && next ? '&after=' + encodeURIComponent(next) : ''));
      if (!append) tbody.replaceChildren();
      for (const c of page.items) {
        const tr = document.createElement('tr');
        tr.dataset.id = c.id;
        tr.dataset.light = c.light || '';
        tr.tabIndex = 0;
        cell(tr, light(c.light));
        cell(tr, c.trackingCode, 'code');
        cell(tr, categories[c.category] || c.category);
        cell(tr, c.statusLabel);
        cell(tr, c.description, 'desc');
        cell(tr, when(c.reportedAt));
        cell(tr, when(c.stageDeadline), c.overdue ? 'late' : '');
        cell(tr, SUPERVISION[c.supervision] || '');
        tr.addEventListener('click', () => open(c.id));
        tr.addEventListener('keydown', e => { if (e.key === 'Enter') open(c.id); });
        tbody.appendChild(tr);
      }
      next = page.next;
      more.hidden = !next;
      const shown = tbody.children.length;
      status.textContent = shown === 0 ? '没有符合条件的案件' : '已显示 ' + shown + ' 件' + (next ? '' : '（全部）');
    } catch (e) {
      if (e instanceof SignInNeeded) { askToSignIn(); return; }
      status.textContent = '加载失败：' + e.message;
    }
  }

  function unitName(code) {
    return unitList.find(u => u.code === code)?.name || code;
  }

  async function open(id) {
    detail.hidden = false;
    detail.dataset.id = id;
    detail.textContent = '正在加载…';
    try {
      show(await getJson('/api/cases/' + id));
    } catch (e) {
      if (e instanceof SignInNeeded) { askToSignIn(); return; }
      detail.textContent = '加载失败：' + e.message;
    }
  }

  function show(d) {
    const c = d.case;
    detail.replaceChildren();
    detail.dataset.id = c.id;
    detail.dataset.status = c.status;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.textContent = '×';
    close.title = '关闭';
    close.addEventListener('click', () => { detail.hidden = true; });
    const h2 = document.createElement('h2');
    h2.append(light(c.light), ' ' + (categories[c.category] || c.category) + ' · ' + c.statusLabel);
    const dl = document.createElement('dl');
    row(dl, '编号', c.trackingCode + '（' + c.id + '）');
    row(dl, '描述', c.description);
    row(dl, '来源', SOURCES[c.source] || c.source);
    row(dl, '紧急程度', c.urgency === 'Urgent' ? '紧急' : '一般');
    row(dl, '网格', c.gridCode);
    row(dl, '区域', d.area === 'Rural' ? '农村' : '城区');
    row(dl, '处置单位', c.unitCode ? unitName(c.unitCode) : d.routedUnitCode ? unitName(d.routedUnitCode) + '（路由，待派遣）' : '');
    row(dl, '本阶段时限', c.stageDeadline ? when(c.stageDeadline) + (c.overdue ? '（已超时）' : '') : '');
    row(dl, '督办', SUPERVISION[c.supervision]);
    row(dl, '延期申请至', when(d.extensionAskedUntil));
    row(dl, '结案结果', RESULTS[d.outcome] || d.outcome);
    row(dl, '评价', RESULTS[d.rating] || d.rating);
    row(dl, '返工 / 回退 / 重开 / 延期', [d.reworkCount, d.returnCount, d.reopenCount, d.extensionCount].join(' / '));
    if (d.reporter) row(dl, '反映人', [d.reporter.name, d.reporter.phone].filter(Boolean).join(' ') + (d.reporter.masked ? '（已脱敏）' : ''));
    detail.append(close, h2, dl);

    if (d.jointTasks.length) {
      const h3 = document.createElement('h3');
      h3.textContent = '会办任务';
      const ul = document.createElement('ul');
      for (const t of d.jointTasks) {
        const li = document.createElement('li');
        li.textContent = unitName(t.unit) + '：' + t.task + (t.done ? '（已完成：' + (t.result || '') + '）' : '（未完成）');
        ul.appendChild(li);
      }
      detail.append(h3, ul);
    }

    const actions = document.createElement('div');
    actions.className = 'actions';
    const form = document.createElement('form');
    form.className = 'action-form';
    form.hidden = true;
    const message = document.createElement('p');
    message.className = 'error';
    message.setAttribute('role', 'alert');
    for (const a of ACTIONS) {
      if (!a.from.includes(c.status) || !a.roles.some(r => me.roles.includes(r))) continue;
      if (a.when && !a.when(d)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = a.action;
      button.textContent = a.label;
      button.addEventListener('click', () => ask(a, d, form, message));
      actions.appendChild(button);
    }
    if (actions.children.length) {
      const h3 = document.createElement('h3');
      h3.textContent = '办理';
      detail.append(h3, actions, form, message);
    }

    const h3 = document.createElement('h3');
    h3.textContent = '办理环节（' + d.steps.length + '）';
    const table = document.createElement('table');
    table.className = 'steps';
    table.innerHTML = '<thead><tr><th>环节</th><th>办理人</th><th>完成时间</th><th>时限</th><th>按时</th><th>结果 / 意见</th></tr></thead>';
    const body = document.createElement('tbody');
    for (const s of d.steps) {
      const tr = document.createElement('tr');
      tr.dataset.kind = s.kind;
      cell(tr, STEPS[s.kind] || s.kind);
      cell(tr, s.actor + (s.unit ? ' · ' + unitName(s.unit) : ''));
      cell(tr, when(s.finishedAt));
      cell(tr, when(s.deadline));
      cell(tr, s.onTime === null ? '' : s.onTime ? '是' : '否', s.onTime === false ? 'late' : '');
      const said = cell(tr, [stepResult(s), s.comment].filter(Boolean).join('；'));
      s.photos.forEach((hash, i) => {
        const a = document.createElement('a');
        a.href = '/api/photos/' + hash;
        a.target = '_blank';
        a.className = 'photo';
        a.textContent = '照片' + (i + 1);
        said.append(' ', a);
      });
      body.appendChild(tr);
    }
    table.appendChild(body);
    detail.append(h3, table);
  }

  function stepResult(s) {
    if (!s.result) return '';
    if (s.kind === 'Dispatch' || s.kind === 'Joint') return unitName(s.result);
    if (s.kind === 'ExtensionRequested' || s.kind === 'ExtensionApproved') return '延期至 ' + when(s.result);
    return RESULTS[s.result] || s.result;
  }

  // The action's questions, then the action itself; the server's answer is the case as it now stands.
  function ask(a, d, form, message) {
    const id = d.case.id;
    const fields = typeof a.fields === 'function' ? a.fields(d) : a.fields;
    message.textContent = '';
    form.replaceChildren();
    form.dataset.action = a.action;
    for (const f of fields) {
      const label = document.createElement('label');
      label.className = 'field';
      label.append(f.label);
      let input;
      if (f.type === 'select' || f.type === 'unit') {
        input = document.createElement('select');
        const skip = a.except ? a.except(d) : [];
        const options = f.type === 'select' ? [['', '请选择'], ...f.options]
          : [['', f.fallback || '请选择'], ...unitList.filter(u => u.active && !skip.includes(u.code))
            .sort((x, y) => x.kindLabel.localeCompare(y.kindLabel, 'zh-CN') || x.name.localeCompare(y.name, 'zh-CN')).map(u => [u.code, u.name])];
        for (const [value, name] of options) input.add(new Option(name, value));
      } else if (f.type === 'text') {
        input = document.createElement('textarea');
        input.rows = 2;
        input.maxLength = 1000;
      } else {
        input = document.createElement('input');
        input.type = f.type;
        if (f.type === 'file') { input.multiple = true; input.accept = 'image/jpeg,image/png,image/webp'; }
        if (f.type === 'number') { input.min = '1'; input.max = '60'; }
      }
      input.name = f.name;
      input.required = !!f.required;
      label.appendChild(input);
      form.appendChild(label);
    }
    const confirm = document.createElement('button');
    confirm.type = 'submit';
    confirm.textContent = '确定' + a.label;
    form.appendChild(confirm);
    form.hidden = false;
    form.onsubmit = async e => {
      e.preventDefault();
      const body = {};
      for (const f of fields) {
        if (f.type === 'file') continue;
        const value = form.elements[f.name].value.trim();
        if (value === '') continue;
        body[f.name] = f.type === 'number' ? Number(value) : f.bool ? value === 'true' : value;
      }
      confirm.disabled = true;
      try {
        const files = form.elements.photos ? [...form.elements.photos.files] : [];
        if (files.length) {
          message.textContent = '正在上传照片…';
          body.photos = (await upload(files)).join(';');
          message.textContent = '';
        }
        show(await post('/api/cases/' + id + '/' + a.action, a.body ? a.body(body) : body));
        load(false);
      } catch (err) {
        if (err instanceof SignInNeeded) { askToSignIn(); return; }
        // The case may have moved meanwhile: show it as it stands now, with the reason.
        const reason = a.label + '未完成：' + err.message;
        await open(id);
        const alert = detail.querySelector('[role=alert]') || detail.appendChild(Object.assign(document.createElement('p'), { className: 'error' }));
        alert.setAttribute('role', 'alert');
        alert.textContent = reason;
      } finally {
        confirm.disabled = false;
      }
    };
    form.elements[0]?.focus();
  }

  document.getElementById('filters').addEventListener('submit', e => {
    e.preventDefault();
    query = filters();
    load(false);
  });
  more.addEventListener('click', () => load(true));

  const askToSignIn = window.Staff.signInWith(start);

  async function start() {
    try {
      me = await window.Staff.me();
      const tree = await getJson('/api/categories');
      categories = {};
      for (const group of tree) for (const c of group.children || []) categories[c.code] = c.name;
      unitList = await getJson('/api/units');
      const wanted = new URLSearchParams(location.hash.slice(1));
      if (wanted.get('light')) document.getElementById('f-light').value = wanted.get('light');
      query = filters();
      await load(false);
      if (/^\d+$/.test(wanted.get('case') || '')) await open(wanted.get('case'));
      readyResolve();
    } catch (e) {
      if (e instanceof SignInNeeded) { askToSignIn(); return; }
      status.textContent = '加载失败：' + e.message;
    }
  }
  start();

  // For automated checks: resolved once the first page is on the screen.
  window.grassrootsCases = { ready };
})();
