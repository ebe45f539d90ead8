// The residents' page: report a problem without an account (place, category, photos, description),
// follow it by its tracking code, and rate the result. The map is drawn from the platform's own grid
// outlines: there is no base map and nothing is fetched from outside the site.
(function () {
  'use strict';

  const NS = 'http://www.w3.org/2000/svg';
  const $ = id => document.getElementById(id);
  const svg = $('map');
  const districtSelect = $('district');
  const place = $('place');
  const state = { lon: null, lat: null, photos: [], key: newKey() };
  let origin = null;
  let view = { scale: 1, x: 0, y: 0 };
  let layer = null;
  let pin = null;
  let readyResolve;
  const ready = new Promise(r => { readyResolve = r; });

  function newKey() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function problemText(body, status) {
    if (!body) return '请求失败（' + status + '）';
    const details = (body.errors || []).map(e => e.message).filter(Boolean);
    return (body.detail || body.title || '请求失败') + (details.length ? '：' + details.join('；') : '');
  }

  async function call(url, options) {
    const response = await fetch(url, Object.assign({ headers: { Accept: 'application/json' }, credentials: 'omit' }, options));
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(problemText(body, response.status));
    return body;
  }

  const shanghai = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  const when = iso => shanghai.format(new Date(iso));

  // ---- the map ----
  function project(lon, lat) {
    return [(lon - origin.lon) * origin.k * Math.cos(origin.lat * Math.PI / 180), -(lat - origin.lat) * origin.k];
  }

  function unproject(x, y) {
    return [x / (origin.k * Math.cos(origin.lat * Math.PI / 180)) + origin.lon, -y / origin.k + origin.lat];
  }

  function ringPath(ring) {
    return ring.map((c, i) => {
      const [x, y] = project(c[0], c[1]);
      return (i === 0 ? 'M' : 'L') + x.toFixed(2) + ' ' + y.toFixed(2);
    }).join('') + 'Z';
  }

  function applyView() {
    layer.setAttribute('transform', 'translate(' + view.x + ' ' + view.y + ') scale(' + view.scale + ')');
    if (pin) pin.setAttribute('r', (7 / view.scale).toString());
  }

  async function loadDistrict(code) {
    place.textContent = '正在加载地图…';
    const collection = await call('/api/public/grids?district=' + encodeURIComponent(code));
    let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
    for (const f of collection.features) {
      const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const p of polygons) for (const c of p[0]) {
        minLon = Math.min(minLon, c[0]); maxLon = Math.max(maxLon, c[0]);
        minLat = Math.min(minLat, c[1]); maxLat = Math.max(maxLat, c[1]);
      }
    }
    origin = { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2, k: 10000 };
    svg.replaceChildren();
    layer = document.createElementNS(NS, 'g');
    for (const f of collection.features) {
      const path = document.createElementNS(NS, 'path');
      const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      path.setAttribute('d', polygons.map(p => p.map(ringPath).join('')).join(''));
      path.dataset.code = f.properties.code;
      layer.appendChild(path);
    }
    svg.appendChild(layer);
    pin = null;
    const rect = svg.getBoundingClientRect();
    const [x0, y0] = project(minLon, maxLat);
    const [x1, y1] = project(maxLon, minLat);
    const scale = 0.95 * Math.min(rect.width / (x1 - x0 || 1), rect.height / (y1 - y0 || 1));
    view = { scale, x: rect.width / 2 - scale * (x0 + x1) / 2, y: rect.height / 2 - scale * (y0 + y1) / 2 };
    applyView();
    districtSelect.value = code;
    place.textContent = state.lon === null ? '在地图上点一下问题所在的位置，或使用手机定位。' : place.textContent;
  }

  function showPin(lon, lat, gridCode) {
    for (const p of svg.querySelectorAll('path.picked')) p.classList.remove('picked');
    const path = gridCode && svg.querySelector('path[data-code="' + CSS.escape(gridCode) + '"]');
    if (path) path.classList.add('picked');
    if (!pin) { pin = document.createElementNS(NS, 'circle'); }
    const [x, y] = project(lon, lat);
    pin.setAttribute('cx', x.toFixed(2));
    pin.setAttribute('cy', y.toFixed(2));
    layer.appendChild(pin);
    applyView();
  }

  async function pick(lon, lat) {
    try {
      const at = await call('/api/grids/locate?lon=' + lon.toFixed(7) + '&lat=' + lat.toFixed(7));
      state.lon = lon; state.lat = lat;
      if (at.district.code !== districtSelect.value) await loadDistrict(at.district.code);
      showPin(lon, lat, at.grid.code);
      place.className = 'place';
      place.textContent = '位置：' + at.district.name + ' ' + at.street.name + ' ' + at.community.name + '（' + at.grid.name + '）';
      place.dataset.grid = at.grid.code;
    } catch (e) {
      state.lon = null; state.lat = null;
      delete place.dataset.grid;
      place.className = 'place error';
      place.textContent = e.message;
    }
  }

  let drag = null;
  svg.addEventListener('pointerdown', e => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false }; svg.setPointerCapture(e.pointerId); });
  svg.addEventListener('pointermove', e => {
    if (!drag || !layer) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 6) drag.moved = true;
    if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; applyView(); }
  });
  svg.addEventListener('pointerup', e => {
    const tap = drag && !drag.moved;
    drag = null;
    if (!tap || !layer) return;
    const rect = svg.getBoundingClientRect();
    const [lon, lat] = unproject((e.clientX - rect.left - view.x) / view.scale, (e.clientY - rect.top - view.y) / view.scale);
    pick(lon, lat);
  });
  svg.addEventListener('wheel', e => {
    if (!layer) return;
    e.preventDefault();
    const rect = svg.getBoundingClientRect();
    const factor = e.deltaY < 0 ? 1.25 : 1 / 1.25;
    const mx = e.clientX - rect.left, my = e.clientY - rect.top;
    view.x = mx - (mx - view.x) * factor;
    view.y = my - (my - view.y) * factor;
    view.scale *= factor;
    applyView();
  }, { passive: false });

  districtSelect.addEventListener('change', () => loadDistrict(districtSelect.value).catch(e => { place.textContent = e.message; }));

  $('use-location').addEventListener('click', () => {
    if (!navigator.geolocation) { place.textContent = '此设备不支持定位，请在地图上选择位置。'; return; }
    place.textContent = '正在定位…';
    navigator.geolocation.getCurrentPosition(
      p => pick(p.coords.longitude, p.coords.latitude),
      () => { place.textContent = '无法获取位置（可能未授权），请在地图上选择位置。'; },
      { enableHighAccuracy: true, timeout: 15000 });
  });

  // ---- categories and photos ----
  async function loadCategories() {
    const select = $('category');
    const tree = await call('/api/categories');
    for (const group of tree) {
      if (!group.children || group.children.length === 0) continue;
      const optgroup = document.createElement('optgroup');
      optgroup.label = group.typeLabel + ' · ' + group.name;
      for (const c of group.children) {
        const option = document.createElement('option');
        option.value = c.code;
        option.textContent = c.name;
        optgroup.appendChild(option);
      }
      select.appendChild(optgroup);
    }
  }

  $('photos').addEventListener('change', async e => {
    const files = [...e.target.files];
    if (files.length === 0) return;
    const error = $('report-error');
    error.textContent = '';
    if (state.photos.length + files.length > 10) { error.textContent = '最多 10 张照片'; e.target.value = ''; return; }
    const form = new FormData();
    for (const f of files) form.append('files', f, f.name);
    $('submit').disabled = true;
    try {
      const uploaded = await call('/api/public/photos', { method: 'POST', body: form });
      for (let i = 0; i < uploaded.length; i++) {
        state.photos.push(uploaded[i].hash);
        const img = document.createElement('img');
        img.alt = '已上传的照片';
        img.src = URL.createObjectURL(files[i]);
        $('thumbs').appendChild(img);
      }
    } catch (err) {
      error.textContent = err.message;
    } finally {
      $('submit').disabled = false;
      e.target.value = '';
    }
  });

  // ---- submitting ----
  $('report-form').addEventListener('submit', async e => {
    e.preventDefault();
    const error = $('report-error');
    error.textContent = '';
    if (state.lon === null) { error.textContent = '请先选择问题位置'; return; }
    if (!$('category').value) { error.textContent = '请选择问题类别'; return; }
    if (!$('description').value.trim()) { error.textContent = '请描述问题'; return; }
    $('submit').disabled = true;
    try {
      const reported = await call('/api/public/reports', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': state.key },
        body: JSON.stringify({
          category: $('category').value, lon: state.lon, lat: state.lat, description: $('description').value.trim(),
          name: $('name').value.trim() || null, phone: $('phone').value.trim() || null, photos: state.photos,
        }),
      });
      $('tracking-code').textContent = reported.trackingCode;
      $('done-detail').textContent = (reported.linked ? '附近已有人反映过同一问题，您的反映已并入该案件。' : '') +
        '位置：' + reported.place.district + ' ' + reported.place.street + ' ' + reported.place.community +
        (reported.expectedDeadline ? '；预计 ' + when(reported.expectedDeadline) + ' 前处置完毕。' : '');
      $('follow-link').href = '#follow=' + reported.trackingCode;
      $('report-form').hidden = true;
      $('done').hidden = false;
      try { localStorage.setItem('grassroots.lastCode', reported.trackingCode); } catch (ignored) { /* private mode */ }
    } catch (err) {
      error.textContent = err.message;
    } finally {
      $('submit').disabled = false;
    }
  });

  $('again').addEventListener('click', () => {
    $('report-form').reset();
    state.photos = []; state.key = newKey();
    $('thumbs').replaceChildren();
    $('report-form').hidden = false;
    $('done').hidden = true;
  });

  // ---- following and rating ----
  function renderCase(c) {
    $('case-category').textContent = c.categoryName;
    $('case-status').textContent = c.statusLabel;
    $('case-place').textContent = c.place ? c.place.district + ' ' + c.place.street + ' ' + c.place.community + '（' + c.place.grid + '）' : '';
    $('case-description').textContent = c.description;
    $('case-deadline').textContent = c.deadline ? '本阶段办理时限：' + when(c.deadline) : '';
    const list = $('timeline');
    list.replaceChildren();
    for (const step of c.timeline) {
      const li = document.createElement('li');
      li.dataset.kind = step.kind;
      const time = document.createElement('time');
      time.dateTime = step.at;
      time.textContent = when(step.at);
      const label = document.createElement('strong');
      label.textContent = step.label;
      li.append(time, label);
      if (step.note) {
        const note = document.createElement('p');
        note.className = 'note';
        note.textContent = step.note;
        li.appendChild(note);
      }
      for (const src of step.photos) {
        const img = document.createElement('img');
        img.alt = step.label + '的照片';
        img.src = src;
        li.appendChild(img);
      }
      list.appendChild(li);
    }
    $('rate-form').hidden = !c.canRate;
    $('rated').hidden = !c.rating;
    $('rated').textContent = c.rating ? '您的评价：' + c.rating : '';
    $('case').dataset.code = c.trackingCode;
    $('case').dataset.status = c.status;
    $('case').hidden = false;
  }

  async function follow(code) {
    $('follow-error').textContent = '';
    $('case').hidden = true;
    try {
      renderCase(await call('/api/public/cases/' + encodeURIComponent(code.trim().toUpperCase())));
    } catch (e) {
      $('follow-error').textContent = e.message;
    }
  }

  $('follow-form').addEventListener('submit', e => { e.preventDefault(); follow($('code').value); });

  $('rate-form').addEventListener('submit', async e => {
    e.preventDefault();
    const chosen = document.querySelector('input[name="rating"]:checked');
    $('rate-error').textContent = '';
    if (!chosen) { $('rate-error').textContent = '请选择满意程度'; return; }
    try {
      const c = await call('/api/public/cases/' + encodeURIComponent($('case').dataset.code) + '/rate', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ rating: chosen.value, comment: $('rate-comment').value.trim() || null }),
      });
      renderCase(c);
    } catch (err) {
      $('rate-error').textContent = err.message;
    }
  });

  // ---- tabs: #report, #follow, #follow=CODE ----
  function route() {
    const hash = location.hash || '#report';
    const following = hash.startsWith('#follow');
    $('report').hidden = following;
    $('follow').hidden = !following;
    $('tab-report').classList.toggle('active', !following);
    $('tab-follow').classList.toggle('active', following);
    if (!following && !layer && districtSelect.value) loadDistrict(districtSelect.value).catch(e => { place.textContent = e.message; });
    if (following) {
      let code = hash.slice('#follow='.length);
      if (!code) { try { code = localStorage.getItem('grassroots.lastCode') || ''; } catch (ignored) { code = ''; } }
      if (code) { $('code').value = code; follow(code); }
    }
  }
  window.addEventListener('hashchange', route);

  async function start() {
    route();
    try {
      await loadCategories();
      const districts = await call('/api/public/districts');
      for (const d of districts) {
        const option = document.createElement('option');
        option.value = d.code;
        option.textContent = d.name;
        districtSelect.appendChild(option);
      }
      if (districts.length > 0 && !$('report').hidden) await loadDistrict(districts[0].code);
      else if (districts.length > 0) districtSelect.value = districts[0].code;
      readyResolve();
    } catch (e) {
      place.textContent = '加载失败：' + e.message;
    }
  }
  start();

  // For automated checks: where a longitude/latitude is on the screen.
  window.residentMap = {
    ready,
    toClient(lon, lat) {
      const rect = svg.getBoundingClientRect();
      const [x, y] = project(lon, lat);
      return { x: rect.left + view.x + x * view.scale, y: rect.top + view.y + y * view.scale };
    },
  };
})();
