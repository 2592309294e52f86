# One image for every Agora service; the argument picks which one runs:
#   docker run agora --service users      (or gateway, inventory, orders, financial, petitions, signatures)
# With no argument it runs everything in one process (all-in-one; needs DATABASE_URL, or
# starts an embedded PostgreSQL under /app/.agora).
FROM node:20-bookworm-slim
ENV NODE_ENV=production APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
COPY . .
RUN npm ci --omit=dev && npm cache clean --force
USER node
ENTRYPOINT ["node", "--import", "tsx", "launcher/src/main.ts"]
CMD ["--service", "gateway"]
