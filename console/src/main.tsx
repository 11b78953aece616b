import { render } from 'preact';
import { App } from './app.js';
import { REDIRECTING, startSession } from './auth.js';
import { loadConfig } from './config.js';

const root = document.getElementById('app');
if (root) {
  const config = await loadConfig();
  const session = await startSession(config);
  if (session === REDIRECTING) {
    root.textContent = 'Signing in with Microsoft…';
  } else {
    root.textContent = '';
    render(<App session={session} />, root);
  }
}
