/**
 * The console's URLs: hash routes (`#/environments/{env}/groups/{id}`), so that every view is a link and the
 * Functions route serves one index.html whatever the view. Pure: parse and format only.
 */
export type View =
  | { name: 'environments' }
  | { name: 'environment'; env: string }
  | { name: 'group'; env: string; group: string }
  | { name: 'run'; env: string; run: string }
  | { name: 'maintenance'; env: string }
  | { name: 'audit'; env: string }
  | { name: 'signIn' }
  | { name: 'notFound'; path: string };

const ID = '([A-Za-z0-9-]{1,100})';
const PATTERNS: Array<[RegExp, (m: string[]) => View]> = [
  [/^\/?$/, () => ({ name: 'environments' })],
  [/^\/environments\/?$/, () => ({ name: 'environments' })],
  [new RegExp(`^/environments/${ID}/?$`), (m) => ({ name: 'environment', env: m[1] ?? '' })],
  [new RegExp(`^/environments/${ID}/groups/${ID}/?$`), (m) => ({ name: 'group', env: m[1] ?? '', group: m[2] ?? '' })],
  [new RegExp(`^/environments/${ID}/runs/${ID}/?$`), (m) => ({ name: 'run', env: m[1] ?? '', run: m[2] ?? '' })],
  [new RegExp(`^/environments/${ID}/maintenance/?$`), (m) => ({ name: 'maintenance', env: m[1] ?? '' })],
  [new RegExp(`^/environments/${ID}/audit/?$`), (m) => ({ name: 'audit', env: m[1] ?? '' })],
  [/^\/sign-in\/?$/, () => ({ name: 'signIn' })],
];

/** The view a location hash names (`#/environments/x`, `#environments/x` or empty). */
export function parseHash(hash: string): View {
  const path = decodeURI(hash.replace(/^#/, '').split('?')[0] ?? '');
  const normalised = path.startsWith('/') ? path : `/${path}`;
  for (const [pattern, view] of PATTERNS) {
    const m = pattern.exec(normalised);
    if (m) return view([...m]);
  }
  return { name: 'notFound', path: normalised };
}

/** The hash of a view, `#/…`, with ids encoded. */
export function hrefOf(view: View): string {
  const e = encodeURIComponent;
  switch (view.name) {
    case 'environments':
      return '#/environments';
    case 'environment':
      return `#/environments/${e(view.env)}`;
    case 'group':
      return `#/environments/${e(view.env)}/groups/${e(view.group)}`;
    case 'run':
      return `#/environments/${e(view.env)}/runs/${e(view.run)}`;
    case 'maintenance':
      return `#/environments/${e(view.env)}/maintenance`;
    case 'audit':
      return `#/environments/${e(view.env)}/audit`;
    case 'signIn':
      return '#/sign-in';
    case 'notFound':
      return `#${view.path}`;
  }
}
