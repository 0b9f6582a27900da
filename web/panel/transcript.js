// Transcript export of the open conversation: plain text or HTML, with the internal notes
// only when the expert ticks the box (the server marks them as internal). The file comes
// from the server as an attachment; the panel saves it under the server's file name.

import { $, state } from '/panel/state.js';

/** Saves `blob` as `name` through a temporary link. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** The file name of an attachment answer, or `fallback`. */
export function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return m ? m[1] : fallback;
}

async function download(e) {
  e.preventDefault();
  const id = state.selected;
  if (!id) return;
  $('export-error').textContent = '';
  const format = $('export-format').value;
  const notes = $('export-notes').checked ? '&notes=true' : '';
  const res = await fetch(`/api/v1/expert/conversations/${id}/transcript?format=${format}${notes}`, {
    headers: { authorization: `Bearer ${state.token}` },
  });
  if (!res.ok) { $('export-error').textContent = `No transcript: HTTP ${res.status}`; return; }
  save(await res.blob(), fileName(res, `transcript.${format === 'html' ? 'html' : 'txt'}`));
}

/** Wires the export form. */
export function wireTranscript() {
  $('export-form').addEventListener('submit', download);
}
