import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, apiKey, takeKeyFromLocation } from './api.js';
import { Overview } from './overview.js';
import { SessionPage } from './session.js';
import { SessionsList } from './sessions.js';

function SignIn({ onSignedIn, message }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(message ?? null);
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api('/v2/sessions?limit=1', key.trim());
      apiKey.set(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err.message || 'That key was refused.');
    }
  };
  return html`<form class="signin" onSubmit=${submit}>
    <h2>Sign in</h2>
    <p>Enter the API key of your AgentOps project. It stays in this browser and goes with every request.</p>
    <p class="hint" data-hint="local-key">Running the local server (<code>pnpm start</code>)? Its key is in <code>.agentops/local-api-key</code>, and the link
      <code>pnpm start</code> prints signs you in.</p>
    <input name="apiKey" placeholder="00000000-0000-0000-0000-000000000000" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} autofocus />
    <button type="submit">Sign in</button>
    ${error ? html`<p class="error">${error}</p>` : null}
  </form>`;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [signedIn, setSignedIn] = useState(!!apiKey.get());
  const [authMessage, setAuthMessage] = useState(null);
  const [project, setProject] = useState(null);
  useEffect(() => {
    if (signedIn) api('/v2/project').then(setProject, () => setProject(null));
  }, [signedIn]);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to) => {
    history.pushState(null, '', to);
    setPath(new URL(to, location.href).pathname);
    scrollTo(0, 0);
  };
  const onAuthError = (e) => {
    apiKey.clear();
    setAuthMessage(e.message);
    setSignedIn(false);
  };
  const link = (to, text) =>
    html`<a href=${to} class=${path === to || (to === '/' && path.startsWith('/sessions')) ? 'active' : ''} onClick=${(e) => (e.preventDefault(), navigate(to))}>${text}</a>`;

  let page;
  const m = /^\/sessions\/([^/]+)$/.exec(path);
  if (!signedIn) page = html`<${SignIn} message=${authMessage} onSignedIn=${() => setSignedIn(true)} />`;
  else if (m) page = html`<${SessionPage} id=${decodeURIComponent(m[1])} onAuthError=${onAuthError} project=${project} />`;
  else if (path === '/overview') page = html`<${Overview} onAuthError=${onAuthError} />`;
  else page = html`<${SessionsList} navigate=${navigate} onAuthError=${onAuthError} />`;

  return html`<div class="layout">
    <header>
      <h1>AgentOps</h1>
      ${signedIn && project ? html`<span class="project-name" data-project=${project.name}>${project.name}</span>` : null}
      ${signedIn
        ? html`<nav>${link('/', 'Sessions')} ${link('/overview', 'Overview')}</nav>
            <button class="link" onClick=${() => (apiKey.clear(), setSignedIn(false))}>Sign out</button>`
        : null}
    </header>
    <main>${page}</main>
  </div>`;
}

takeKeyFromLocation();
render(html`<${App} />`, document.getElementById('app'));
