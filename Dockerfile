# One image for every Agora service; the argument picks which one runs:
#   docker build -t agora .
#   docker run agora --service users      (or gateway, inventory, orders, financial, petitions, signatures)
# With no argument it runs everything in one process (all-in-one; needs DATABASE_URL, or
# starts an embedded PostgreSQL under /app/.agora).
#
# Two stages: `build` installs every dependency, type-checks the sources and compiles them
# (`npm run build`: each workspace's src/ to JavaScript in its dist/); `runtime` takes that,
# installs production dependencies only and runs the compiled JavaScript (no transpiler, no
# source maps) as the unprivileged `node` user (uid 1000).

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci && npm run check:types && npm run build
# The runtime stage installs its own dependencies: it takes the code alone.
RUN find . -name node_modules -prune -exec rm -rf {} +

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /src ./
# .agora is the all-in-one data folder, the one place the process writes under /app.
RUN npm ci --omit=dev && npm cache clean --force && mkdir .agora && chown node:node .agora
USER node
# --conditions=agora-compiled: every @agora package loads from its dist/ (see package.json "exports").
ENTRYPOINT ["node", "--conditions=agora-compiled", "launcher/dist/main.js"]
CMD ["--service", "gateway"]
