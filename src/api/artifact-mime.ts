/** Content types by lowercase file extension; anything else is `application/octet-stream`. */
const byExtension: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  yaml: 'text/yaml',
  yml: 'text/yaml',
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  parquet: 'application/vnd.apache.parquet',
  onnx: 'application/octet-stream',
  pkl: 'application/octet-stream',
};

/** Files MLflow writes without an extension that are text. */
const byName: Record<string, string> = {
  MLmodel: 'text/plain',
  MLproject: 'text/plain',
};

/** The content type an artifact is served with, guessed from its file name. */
export function artifactMimeType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const named = byName[name];
  if (named) return named;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'application/octet-stream';
  return byExtension[name.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** `Content-Disposition: attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
export function attachmentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
