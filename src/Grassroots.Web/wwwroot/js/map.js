// The grid map: draws a district's grids from the platform's own GeoJSON (no base map, no internet),
// locates a clicked point, and searches the registry.
(function () {
  'use strict';

  const CITY = '320200000000';
  const svg = document.getElementById('map');
  const status = document.getElementById('status');
  const info = document.getElementById('info');
  const districtSelect = document.getElementById('district');
  const hits = document.getElementById('hits');
  const NS = 'http://www.w3.org/2000/svg';

  let layer = null;          // <g> holding the grids, transformed for pan and zoom
  let origin = null;         // projection origin {lon, lat, k}
  let view = { scale: 1, x: 0, y: 0 };
  let loaded = null;         // the district code on the map
  let readyResolve;
  const ready = new Promise(r => { readyResolve = r; });

  const { SignInNeeded, getJson, row } = window.Staff;

  // Equirectangular projection around the district's centre; y grows southwards as on screen.
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

  function geometryPath(geometry) {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    return polygons.map(p => p.map(ringPath).join('')).join('');
  }

  // One colour per community; neighbouring community numbers land far apart on the colour wheel.
  function colour(code) {
    const h = (Number(code.slice(9, 12)) * 137.508 + Number(code.slice(6, 9)) * 61) % 360;
    return 'hsl(' + h.toFixed(0) + ', 45%, 72%)';
  }

  function applyView() {
    layer.setAttribute('transform', 'translate(' + view.x + ' ' + view.y + ') scale(' + view.scale + ')');
  }

  async function loadDistrict(code) {
    status.textContent = '正在加载网格…';
    const collection = await getJson('/api/grids?region=' + encodeURIComponent(code));
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
      path.setAttribute('d', geometryPath(f.geometry));
      path.setAttribute('fill', colour(f.properties.code));
      path.dataset.code = f.properties.code;
      if (f.properties.kind === 'dedicated') path.classList.add('dedicated');
      const title = document.createElementNS(NS, 'title');
      title.textContent = f.properties.name + '（' + f.properties.code + '）';
      path.appendChild(title);
      layer.appendChild(path);
    }
    svg.appendChild(layer);

    // Fit the district to the map.
    const rect = svg.getBoundingClientRect();
    const [x0, y0] = project(minLon, maxLat);
    const [x1, y1] = project(maxLon, minLat);
    const scale = 0.92 * Math.min(rect.width / (x1 - x0 || 1), rect.height / (y1 - y0 || 1));
    view = { scale, x: rect.width / 2 - scale * (x0 + x1) / 2, y: rect.height / 2 - scale * (y0 + y1) / 2 };
    applyView();
    loaded = code;
    status.textContent = collection.features.length + ' 个网格';
  }

  function select(code) {
    for (const p of svg.querySelectorAll('path.selected')) p.classList.remove('selected');
    const path = svg.querySelector('path[data-code="' + CSS.escape(code) + '"]');
    if (path) { path.classList.add('selected'); layer.appendChild(path); }
  }

  async function locate(lon, lat) {
    try {
      const at = await getJson('/api/grids/locate?lon=' + lon.toFixed(7) + '&lat=' + lat.toFixed(7));
      const h2 = document.createElement('h2');
      h2.textContent = at.grid.name;
      const dl = document.createElement('dl');
      row(dl, '网格编码', at.grid.code);
      row(dl, '网格类型', at.grid.kind === 'dedicated' ? '专属网格（' + (at.grid.owner || '') + '）' : '基础网格');
      row(dl, '面积', Math.round(at.grid.areaM2).toLocaleString('zh-CN') + ' 平方米');
      row(dl, '社区/村', at.community.name);
      row(dl, '街道/镇', at.street.name);
      row(dl, '区', at.district.name);
      row(dl, '责任党组织', at.responsibleOrg ? at.responsibleOrg.name + (at.locality ? '（属地）' : '') : '—');
      row(dl, '经纬度', lon.toFixed(6) + ', ' + lat.toFixed(6));
      info.replaceChildren(h2, dl);
      info.dataset.grid = at.grid.code;
      if (at.district.code !== loaded) { districtSelect.value = at.district.code; await loadDistrict(at.district.code); }
      select(at.grid.code);
    } catch (e) {
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = e.message;
      info.replaceChildren(p);
      delete info.dataset.grid;
    }
  }

  // Pan with the mouse or a finger, zoom with the wheel; a press that does not move is a click.
  let drag = null;
  svg.addEventListener('pointerdown', e => { drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false }; svg.setPointerCapture(e.pointerId); });
  svg.addEventListener('pointermove', e => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    if (drag.moved) { view.x = drag.vx + dx; view.y = drag.vy + dy; applyView(); }
  });
  svg.addEventListener('pointerup', e => {
    const wasClick = drag && !drag.moved;
    drag = null;
    if (!wasClick || !layer) return;
    const rect = svg.getBoundingClientRect();
    const x = (e.clientX - rect.left - view.x) / view.scale;
    const y = (e.clientY - rect.top - view.y) / view.scale;
    const [lon, lat] = unproject(x, y);
    locate(lon, lat);
  });
  svg.addEventListener('wheel', e => {
    if (!layer) return;
    e.preventDefault();
    const rect = svg.getBoundingClientRect();
    const factor = e.deltaY < 0 ? 1.2 : 1 / 1.2;
    const mx = e.clientX - rect.left, my = e.clientY - rect.top;
    view.x = mx - (mx - view.x) * factor;
    view.y = my - (my - view.y) * factor;
    view.scale *= factor;
    applyView();
  }, { passive: false });

  document.getElementById('search-form').addEventListener('submit', async e => {
    e.preventDefault();
    const q = document.getElementById('q').value.trim();
    if (!q) return;
    hits.replaceChildren();
    try {
      const result = await getJson('/api/search?q=' + encodeURIComponent(q));
      const kinds = { region: '区划', grid: '网格', compound: '小区', org: '党组织' };
      for (const hit of result.hits) {
        const li = document.createElement('li');
        const kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = kinds[hit.type] || hit.type;
        li.append(kind, hit.name + (hit.context ? ' · ' + hit.context : ''));
        li.dataset.type = hit.type;
        li.dataset.code = hit.code;
        li.addEventListener('click', () => showHit(hit));
        hits.appendChild(li);
      }
      if (result.hits.length === 0) {
        const li = document.createElement('li');
        li.className = 'muted';
        li.textContent = '没有找到“' + q + '”';
        hits.appendChild(li);
      }
    } catch (err) {
      const li = document.createElement('li');
      li.className = 'error';
      li.textContent = err.message;
      hits.appendChild(li);
    }
  });

  async function showHit(hit) {
    if (hit.type !== 'grid' && !(hit.type === 'region' && hit.code.length === 12)) return;
    const district = hit.code.slice(0, 6) + '000000';
    if (district !== CITY && district !== loaded && [...districtSelect.options].some(o => o.value === district)) {
      districtSelect.value = district;
      await loadDistrict(district);
    }
    if (hit.type === 'grid') select(hit.code);
  }

  districtSelect.addEventListener('change', () => loadDistrict(districtSelect.value).catch(e => { status.textContent = e.message; }));

  const askToSignIn = window.Staff.signInWith(start);

  async function start() {
    try {
      await window.Staff.me();
      districtSelect.replaceChildren();
      const districts = await getJson('/api/regions?parent=' + CITY);
      for (const d of districts) {
        const option = document.createElement('option');
        option.value = d.code;
        option.textContent = d.name;
        districtSelect.appendChild(option);
      }
      if (districts.length === 0) { status.textContent = '尚无区划数据：请先导入或生成演示数据。'; return; }
      const first = districts.find(d => d.code === '320213000000') || districts[0];
      districtSelect.value = first.code;
      await loadDistrict(first.code);
      readyResolve();
    } catch (e) {
      if (e instanceof SignInNeeded) { askToSignIn(); return; }
      status.textContent = '加载失败：' + e.message;
    }
  }
  start();

  // For automated checks: where a longitude/latitude is on the screen.
  window.grassrootsMap = {
    ready,
    toClient(lon, lat) {
      const rect = svg.getBoundingClientRect();
      const [x, y] = project(lon, lat);
      return { x: rect.left + view.x + x * view.scale, y: rect.top + view.y + y * view.scale };
    },
  };
})();
