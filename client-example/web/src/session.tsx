// Who is signed in: the session token from register or login, kept in localStorage so a
// reload keeps the user signed in, and the Apollo connection that goes with it.
import { ApolloProvider } from '@apollo/client/react';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { connectToAgora, type AgoraConnection } from './apollo.js';

const TOKEN_KEY = 'agora.token';

interface Session {
  token: string | null;
  signIn(token: string): void;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside SessionProvider');
  return session;
}

export function SessionProvider({ gatewayUrl, children }: { gatewayUrl: string; children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => localStorage.getItem(TOKEN_KEY));
  // A new session gets a fresh connection: nothing cached for one user is shown to the next.
  // Made in an effect, so that whatever React unmounts (StrictMode does it on purpose) is
  // closed and never used again; shown only once it belongs to the current token.
  const [connection, setConnection] = useState<AgoraConnection | null>(null);
  useEffect(() => {
    const signOut = () => {
      localStorage.removeItem(TOKEN_KEY);
      setToken(null);
    };
    const opened = connectToAgora(gatewayUrl, token, signOut);
    setConnection(opened);
    return () => opened.dispose();
  }, [gatewayUrl, token]);
  // Logged in or out in another tab: follow it.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === TOKEN_KEY) setToken(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);
  const session = useMemo<Session>(
    () => ({
      token,
      signIn(newToken) {
        localStorage.setItem(TOKEN_KEY, newToken);
        setToken(newToken);
      },
      signOut() {
        localStorage.removeItem(TOKEN_KEY);
        setToken(null);
      },
    }),
    [token],
  );
  if (connection === null || connection.token !== token) return null;
  return (
    <SessionContext.Provider value={session}>
      <ApolloProvider client={connection.apollo}>{children}</ApolloProvider>
    </SessionContext.Provider>
  );
}
