// The web app's build: `npm run build -w client-example` writes web/dist, which `npm start`
// serves (with /config.json naming the gateway); `npm run dev -w client-example` serves it
// with hot reload.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
});
