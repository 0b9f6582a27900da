// Helpers for the money and report views of the panel and the console: amounts from minor
// units, a period picker bound to two date inputs, authenticated CSV downloads, and small
// SVG charts drawn here (no chart library). Text is always set as textContent.

import { ApiError } from '/lib/api.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Digits after the decimal point of `currency` (2 for EUR, 0 for JPY). */
export function fractionDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  } catch { return 2; }
}

/** "€12.50" from 1250 and "EUR"; unknown currency codes fall back to "12.50 XYZ". */
export function money(minor, currency) {
  const digits = fractionDigits(currency);
  const major = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(major);
  } catch { return `${major.toFixed(digits)} ${currency}`; }
}

/** Minor units from a typed amount ("2.50") in `currency`; NaN when it is not a number. */
export function toMinor(text, currency) {
  const value = Number(String(text).replace(',', '.'));
  if (!Number.isFinite(value) || String(text).trim() === '') return NaN;
  return Math.round(value * 10 ** fractionDigits(currency));
}

/** "4.3 / 5" or an em dash when there is no rating. */
export function rating(average) {
  return average === null || average === undefined ? '—' : `${average.toFixed(1)} / 5`;
}

/** "42 %" from a 0..1 share, or an em dash. */
export function percent(share) {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`;
}

/** "3 h 20 min", "45 min", "2 d 4 h" from seconds, or an em dash. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return '< 1 min';
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${min % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

function dateValue(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * A period picker on a form with two date inputs (`from`, `to`, both days included).
 * `onChange({from, to})` gets RFC 3339 instants (`to` excluded) when the form is submitted.
 * `show({from, to})` fills the inputs from a period the server chose.
 */
export function periodPicker(form, onChange) {
  const fromInput = form.elements.from;
  const toInput = form.elements.to;
  const picker = {
    period: null,
    show(period) {
      picker.period = { from: period.from, to: period.to };
      fromInput.value = dateValue(new Date(period.from));
      toInput.value = dateValue(new Date(new Date(period.to).getTime() - 1));
    },
    query() {
      if (!picker.period) return '';
      return `?from=${encodeURIComponent(picker.period.from)}&to=${encodeURIComponent(picker.period.to)}`;
    },
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const from = new Date(`${fromInput.value}T00:00:00`);
    const to = new Date(`${toInput.value}T00:00:00`);
    to.setDate(to.getDate() + 1);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return;
    picker.period = { from: from.toISOString(), to: to.toISOString() };
    onChange(picker.period);
  });
  return picker;
}

/** Downloads `path` with the bearer token and saves it under the server's file name. */
export async function downloadCsv(path, token, fallbackName) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    let problem = {};
    try { problem = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, problem);
  }
  const disposition = res.headers.get('content-disposition') || '';
  const match = /filename="?([^";]+)"?/.exec(disposition);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = match ? match[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function svg(tag, attrs = {}, text) {
  const n = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * A vertical bar chart: `bars` is `[{label, value}]`. The SVG is an image with a text
 * summary (`summary`) for screen readers; each bar also carries its value as a label.
 */
export function barChart(bars, { summary, color = '#1f6f5c', width = 360, height = 180 } = {}) {
  const top = 18;
  const bottom = 24;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = width / Math.max(1, bars.length);
  const barWidth = Math.min(48, slot * 0.6);
  const plot = height - top - bottom;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': summary });
  chart.append(svg('title', {}, summary));
  chart.append(svg('line', { x1: 0, x2: width, y1: top + plot, y2: top + plot, stroke: '#b9c2cc' }));
  bars.forEach((b, i) => {
    const h = Math.round((b.value / max) * plot);
    const x = i * slot + (slot - barWidth) / 2;
    chart.append(
      svg('rect', { x, y: top + plot - h, width: barWidth, height: Math.max(h, 0), fill: color, rx: 3 }),
      svg('text', { x: x + barWidth / 2, y: top + plot - h - 5, 'text-anchor': 'middle', 'font-size': 12 }, String(b.value)),
      svg('text', { x: x + barWidth / 2, y: height - 7, 'text-anchor': 'middle', 'font-size': 12, fill: '#5f6b7a' }, b.label),
    );
  });
  return chart;
}

/**
 * A single horizontal bar split into parts (`[{label, value, color}]`), with a legend
 * underneath, e.g. conversations handled asynchronously vs in one sitting.
 */
export function splitBar(parts, { summary, width = 360 } = {}) {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  const height = 30 + 22 * parts.length;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': summary });
  chart.append(svg('title', {}, summary));
  let x = 0;
  parts.forEach((p, i) => {
    const w = total ? (p.value / total) * width : 0;
    chart.append(svg('rect', { x, y: 0, width: w, height: 20, fill: p.color }));
    x += w;
    const y = 30 + i * 22;
    const share = total ? Math.round((p.value / total) * 100) : 0;
    chart.append(
      svg('rect', { x: 0, y, width: 14, height: 14, fill: p.color, rx: 2 }),
      svg('text', { x: 20, y: y + 12, 'font-size': 13 }, `${p.label}: ${p.value} (${share} %)`),
    );
  });
  if (!total) chart.append(svg('rect', { x: 0, y: 0, width, height: 20, fill: '#eef1f4' }));
  return chart;
}
