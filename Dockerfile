# doorstep in a container: one binary, its data on a volume.
#
#   docker build -t doorstep .
#   docker run -p 8000:8000 -v doorstep-data:/var/lib/doorstep \
#     -e DOORSTEP_BASE_URL=https://register.example.org doorstep
#
# The configuration is /etc/doorstep/doorstep.properties (the shipped demo until you mount your
# own there); any key can also be set from the environment (README, "Configuration reference").

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# The cache mounts keep downloaded crates and compiled dependencies between builds.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
    && cp target/release/doorstep /usr/local/bin/doorstep

FROM debian:bookworm-slim
# CA certificates: a remote captcha's verify URL is checked against the system's roots.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /var/lib/doorstep --shell /usr/sbin/nologin doorstep \
    && install -d -o doorstep -g doorstep -m 0700 /var/lib/doorstep \
    && install -d -m 0755 /etc/doorstep
COPY --from=build /usr/local/bin/doorstep /usr/local/bin/doorstep
COPY doorstep.properties /etc/doorstep/doorstep.properties

# Relative paths resolve from the working directory: the SQLite database (var/doorstep.db),
# the secret key (var/secret.key) and the file transport's mail (var/mail) all land on the volume.
WORKDIR /var/lib/doorstep
VOLUME /var/lib/doorstep
ENV DOORSTEP_CONFIG=/etc/doorstep/doorstep.properties \
    ROCKET_ADDRESS=0.0.0.0 \
    ROCKET_PORT=8000
USER doorstep
EXPOSE 8000
# bash's /dev/tcp needs no extra package (the slim image has neither curl nor wget). With a
# doorstep.base-path, the health check is below it: change /healthz to match.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["doorstep"]
CMD ["serve"]
