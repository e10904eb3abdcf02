# One image for the api, the worker and the sandbox; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# glibc's malloc with a fixed mmap threshold: the worker's memory follows what it holds (worker/launch.ts).
ENV GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072
COPY package.json package-lock.json ./
# tsx stays in the image: the processes run their TypeScript entry points directly.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY activities ./activities
COPY api ./api
COPY bot ./bot
COPY config ./config
COPY customers ./customers
COPY db ./db
COPY domain ./domain
COPY kb ./kb
COPY web ./web
COPY wecom ./wecom
COPY worker ./worker
COPY temporal ./temporal
COPY tracing ./tracing
COPY workflows ./workflows
USER node
EXPOSE 3000 9464
CMD ["node", "--import", "tsx", "api/main.ts"]
