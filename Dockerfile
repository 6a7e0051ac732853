# syntax=docker/dockerfile:1
# coopbot, with its knowledge base inside the package. README, "Running in a container", says how to
# run it: long polling, a webhook behind a reverse proxy, or two or more replicas sharing PostgreSQL.
# .ci/run lints this file with hadolint and checks that its install and start commands are the
# README's, by running those in a fresh virtual environment.

# The base image, pinned by digest (the multi-platform index of the tag, as published): a tag
# can be moved to other content, a digest cannot. Change both together, and the lock with them.
ARG BASE=python:3.11.17-slim-bookworm@sha256:2333bd330d12de02514770b3585cad313644316047cdee24a7acfdece6de6efb

# --- build: wheels of coopbot and of everything it needs, so the runtime stage installs offline
# and carries no source tree, build tools or pip cache.
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# The runtime dependencies, each checked against its hash in the lock (.ci/lock.py makes it).
COPY requirements.lock ./
RUN pip download --require-hashes --no-deps --dest /wheels -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
# The README's install: the bot, with PostgreSQL support for replicas; its dependencies are the
# locked wheels above, so nothing unlocked is taken from the index.
RUN pip wheel --no-deps --wheel-dir /wheels '.[postgres]'

# --- runtime
FROM ${BASE}
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1 \
    COOPBOT_DB=/data/coopbot.db COOPBOT_CACHE_DIR=/tmp/coopbot-cache
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --no-deps /wheels/*.whl \
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
# On SIGTERM the bot stops taking updates, lets those in progress finish for at most 5 s (what is
# left stays in its inbox for the next start) and closes its database: within docker stop's
# default 10 s; compose.yaml allows 15.
STOPSIGNAL SIGTERM
# Loads the knowledge base and answers one of its own questions, and reads the running bot's
# heartbeat (polling alive, database writable, nothing waiting unserved); one line.
HEALTHCHECK --interval=30s --timeout=20s --start-period=20s --retries=3 CMD ["coopbot", "health"]
# Every setting comes from the environment (README, "Configuration"); `docker run IMAGE ask ...`
# and the other commands work too.
ENTRYPOINT ["coopbot"]
CMD ["run"]
