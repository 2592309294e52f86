// The pages, by the part of the URL after `#`: links work without a server that knows the
// routes, and the back button does what people expect.
import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { LOGOUT } from './operations.js';
import { AccountPage } from './pages/AccountPage.js';
import { AuthPage } from './pages/AuthPage.js';
import { CartPage } from './pages/CartPage.js';
import { MyPetitionsPage } from './pages/MyPetitionsPage.js';
import { OrdersPage } from './pages/OrdersPage.js';
import { PetitionPage } from './pages/PetitionPage.js';
import { PetitionsPage } from './pages/PetitionsPage.js';
import { ShopPage } from './pages/ShopPage.js';
import { useSession } from './session.js';

function useRoute(): string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean);
}

function Page({ route }: { route: string[] }) {
  const [section, id] = route;
  switch (section) {
    case 'petitions':
      return id === undefined ? <PetitionsPage /> : <PetitionPage id={id} />;
    case 'my-petitions':
      return <MyPetitionsPage />;
    case 'shop':
      return <ShopPage />;
    case 'cart':
      return <CartPage />;
    case 'orders':
      return <OrdersPage />;
    case 'account':
      return <AccountPage />;
    case 'login':
      return <AuthPage mode="login" />;
    case 'register':
      return <AuthPage mode="register" />;
    default:
      return <PetitionsPage />;
  }
}

/**
 * After a move to another page, keyboard and screen-reader users start on its heading, as
 * they would after a page load; without this they stay on the link they followed. The first
 * page is left alone: a browser starts at the top by itself.
 */
function useFocusOnNavigation(path: string): RefObject<HTMLElement | null> {
  const main = useRef<HTMLElement>(null);
  const shown = useRef<string | null>(null);
  useEffect(() => {
    const region = main.current;
    const first = shown.current === null;
    if (region === null || path === shown.current) return;
    shown.current = path;
    if (first || focusHeading(region)) return;
    // The page is still loading: the region holds the focus until its heading comes, unless
    // the person has moved on by then.
    region.focus();
    const observer = new MutationObserver(() => {
      if (document.activeElement !== region || focusHeading(region)) observer.disconnect();
    });
    observer.observe(region, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [path]);
  return main;
}

/** Focuses the region's heading, if it has one yet. */
function focusHeading(region: HTMLElement): boolean {
  const heading = region.querySelector<HTMLElement>('h1');
  if (heading === null) return false;
  heading.tabIndex = -1;
  heading.focus();
  return true;
}

/** The pages in the main navigation, with their titles, and who sees each. */
const NAVIGATION: { path: string; title: string; for: 'anyone' | 'signed out' | 'signed in' }[] = [
  { path: 'petitions', title: 'Petitions', for: 'anyone' },
  { path: 'shop', title: 'Shop', for: 'anyone' },
  { path: 'login', title: 'Log in', for: 'signed out' },
  { path: 'register', title: 'Register', for: 'signed out' },
  { path: 'my-petitions', title: 'My petitions', for: 'signed in' },
  { path: 'cart', title: 'Cart', for: 'signed in' },
  { path: 'orders', title: 'Orders', for: 'signed in' },
  { path: 'account', title: 'Account', for: 'signed in' },
];

export function App() {
  const route = useRoute();
  const section = route[0] ?? 'petitions';
  useEffect(() => {
    document.title = `${NAVIGATION.find((page) => page.path === section)?.title ?? 'Petitions'} · Agora`;
  }, [section]);
  const main = useFocusOnNavigation(route.join('/'));
  const { token, signOut } = useSession();
  const [logout] = useMutation(LOGOUT);

  async function onLogOut() {
    // The session ends on the server too (the token stops working everywhere), then here.
    await logout().catch(() => undefined);
    signOut();
    window.location.hash = '#/petitions';
  }

  return (
    <>
      <header>
        <nav aria-label="Main">
          {NAVIGATION.filter(
            (page) => page.for === 'anyone' || page.for === (token === null ? 'signed out' : 'signed in'),
          ).map((page) => (
            <a key={page.path} href={`#/${page.path}`} aria-current={page.path === section ? 'page' : undefined}>
              {page.title}
            </a>
          ))}
          {token !== null && (
            <button type="button" onClick={() => void onLogOut()}>
              Log out
            </button>
          )}
        </nav>
      </header>
      <main ref={main} tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
