// Starts the app: reads where the gateway is (config.json, written by whoever serves the
// app: `npm start` names its own gateway), then renders.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { SessionProvider } from './session.js';
import './styles.css';

async function gatewayUrl(): Promise<string> {
  const response = await fetch('config.json');
  if (!response.ok) return new URL('/graphql', window.location.href).href;
  const config = (await response.json()) as { gatewayUrl: string };
  return config.gatewayUrl;
}

const root = createRoot(document.getElementById('root') as HTMLElement);
gatewayUrl().then(
  (url) =>
    root.render(
      <StrictMode>
        <SessionProvider gatewayUrl={url}>
          <App />
        </SessionProvider>
      </StrictMode>,
    ),
  () => root.render(<p role="alert">Agora cannot be reached right now; reload the page to try again.</p>),
);
