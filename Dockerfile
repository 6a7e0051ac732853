# syntax=docker/dockerfile:1
# coopbot, with its knowledge base inside the package. README, "Running in a container", says how to
# run it: long polling, a webhook behind a reverse proxy, or two or more replicas sharing PostgreSQL.
# .ci/run lints this file with hadolint and checks that its install and start commands are the
# README's, by running those in a fresh virtual environment.

# --- build: wheels of coopbot and of everything it needs, so the runtime stage installs offline
# and carries no source tree, build tools or pip cache.
FROM python:3.11.17-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
# The README's install: the bot, with PostgreSQL support for replicas.
RUN pip wheel --wheel-dir /wheels '.[postgres]'

# --- runtime
FROM python:3.11.17-slim-bookworm
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 \
    COOPBOT_DB=/data/coopbot.db
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index /wheels/*.whl \
    && groupadd --system --gid 10001 coopbot \
    && useradd --system --uid 10001 --gid coopbot --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin coopbot \
    && mkdir /data && chown coopbot:coopbot /data
# The SQLite file (COOPBOT_DB). A named volume starts out owned by coopbot; a bind-mounted host
# folder must be writable by uid 10001. Unused when COOPBOT_DATABASE_URL names PostgreSQL.
VOLUME ["/data"]
USER 10001:10001
# Webhook mode listens on PORT (8080); long polling opens no port.
EXPOSE 8080
# The bot finishes the updates in progress and closes its database on SIGTERM.
STOPSIGNAL SIGTERM
# Loads the knowledge base, answers one of its own questions, and opens the database; one line.
HEALTHCHECK --interval=30s --timeout=20s --start-period=20s --retries=3 CMD ["coopbot", "health"]
# Every setting comes from the environment (README, "Configuration"); `docker run IMAGE ask ...`
# and the other commands work too.
ENTRYPOINT ["coopbot"]
CMD ["run"]
