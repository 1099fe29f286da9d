// Compare countries: draws the countries a reader picks on one measure,
// from the static files api/countries/ISO3.json (see the README). Without
// JavaScript the section stays hidden and the pre-drawn charts remain.
(() => {
  const sec = document.getElementById('pick');
  if (!sec || !window.fetch) return;
  sec.hidden = false;
  const d = sec.dataset;
  const colours = ['#1f4e9c', '#a1490b', '#2e6b30', '#6a1b9a', '#8a6d00', '#b0004f', '#00707a', '#444444'];
  const out = document.getElementById('pick-result');
  const svgNS = 'http://www.w3.org/2000/svg';
  const el = (ns, tag, attrs, text) => {
    const e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const seriesOf = (f) => {
    const s = f.military_expenditure.find((x) => x.source === d.source && x.measure === d.measure);
    return s ? s.points.filter((p) => p.value !== null) : [];
  };
  const draw = (files) => {
    out.replaceChildren();
    const lines = files.map((f, i) => ({ name: f.name, colour: colours[i % colours.length], pts: seriesOf(f) })).filter((l) => l.pts.length);
    if (!lines.length) { out.append(el(null, 'p', {}, d.empty)); return; }
    const years = lines.flatMap((l) => l.pts.map((p) => p.year));
    const y0 = Math.min(...years), y1 = Math.max(...years);
    const hi = Math.max(...lines.flatMap((l) => l.pts.map((p) => p.value))) || 1;
    const W = 340, H = 200, L = 36, T = 10, B = 24, R = 10;
    const x = (y) => L + (y1 === y0 ? 0 : (y - y0) / (y1 - y0) * (W - L - R));
    const y = (v) => T + (1 - v / hi) * (H - T - B);
    const svg = el(svgNS, 'svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': d.caption, class: 'chart', 'font-size': '12' });
    for (const f of [0, 0.5, 1]) {
      svg.append(el(svgNS, 'line', { x1: L, x2: W - R, y1: y(hi * f), y2: y(hi * f), stroke: '#ccc' }));
      svg.append(el(svgNS, 'text', { x: L - 4, y: y(hi * f) + 4, 'text-anchor': 'end' }, (hi * f).toFixed(1) + '%'));
    }
    svg.append(el(svgNS, 'text', { x: L, y: H - 6 }, String(y0)));
    svg.append(el(svgNS, 'text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, String(y1)));
    for (const l of lines) {
      let path = '', prev = null;
      for (const p of l.pts) {
        path += (prev !== null && p.year === prev + 1 ? 'L' : 'M') + x(p.year).toFixed(1) + ' ' + y(p.value).toFixed(1);
        prev = p.year;
      }
      svg.append(el(svgNS, 'path', { d: path, fill: 'none', stroke: l.colour, 'stroke-width': '2', 'data-name': l.name }));
    }
    const fig = el(null, 'figure', { class: 'chart' });
    fig.append(svg);
    const legend = el(null, 'ul', { class: 'map-legend' });
    for (const l of lines) {
      const li = el(null, 'li');
      li.append(el(null, 'span', { class: 'swatch', style: `background:${l.colour}`, 'aria-hidden': 'true' }), ' ' + l.name);
      legend.append(li);
    }
    fig.append(legend);
    out.append(fig);
    // The same figures as a table, newest year first.
    const wrap = el(null, 'div', { class: 'scroll', role: 'region', tabindex: '0', 'aria-label': d.caption });
    const table = el(null, 'table');
    table.append(el(null, 'caption', { class: 'vh' }, d.caption));
    const head = el(null, 'tr');
    head.append(el(null, 'th', { scope: 'col' }, d.year));
    for (const l of lines) head.append(el(null, 'th', { scope: 'col' }, l.name));
    const thead = el(null, 'thead'); thead.append(head); table.append(thead);
    const tbody = el(null, 'tbody');
    for (let yr = y1; yr >= y0; yr--) {
      const tr = el(null, 'tr');
      tr.append(el(null, 'th', { scope: 'row' }, String(yr)));
      for (const l of lines) {
        const p = l.pts.find((q) => q.year === yr);
        tr.append(el(null, 'td', { class: 'num' }, p ? p.value.toFixed(2) + '%' + (p.estimate ? ' e' : '') : ''));
      }
      tbody.append(tr);
    }
    table.append(tbody); wrap.append(table); out.append(wrap);
  };
  document.getElementById('pick-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const codes = [...document.getElementById('pick-countries').selectedOptions].map((o) => o.value).slice(0, colours.length);
    try {
      const files = await Promise.all(codes.map((c) => fetch(d.api + c + '.json').then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })));
      draw(files);
    } catch (e) {
      out.replaceChildren(el(null, 'p', { class: 'notice' }, d.failed));
    }
  });
})();
