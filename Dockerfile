# dicom-gateway as a container: Debian 12, its OpenJDK 17 JRE and its PixelMed, the application built by Maven.
# Build: docker build -t dicom-gateway .   Run: see docker-compose.yml and README "Run with Docker Compose".
# Same layout as the Debian package: config /etc/dicom-gateway/gateway.yaml, state /var/lib/dicom-gateway
# (spool/, bucket/, metadata/), user dicom-gateway. Only the state directory is a volume.

# --- build stage: compile and package (tests run in CI, not here) ---
FROM debian:12-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless maven libpixelmed-java \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY pom.xml ./
COPY conf/gateway.yaml conf/gateway.yaml
COPY src/main src/main
RUN mvn -B -q package -DskipTests

# --- runtime stage ---
FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jre-headless libpixelmed-java \
 && rm -rf /var/lib/apt/lists/*
# A fixed UID/GID, so a host can give files to it (the secrets in ./secrets are chown 10001).
RUN groupadd --system --gid 10001 dicom-gateway \
 && useradd --system --uid 10001 --gid dicom-gateway --home-dir /var/lib/dicom-gateway --shell /usr/sbin/nologin dicom-gateway \
 && install -d -o dicom-gateway -g dicom-gateway -m 0700 /var/lib/dicom-gateway \
 && install -d -m 0755 /etc/dicom-gateway /usr/share/dicom-gateway/bin /usr/share/dicom-gateway/lib \
 && ln -s /usr/share/dicom-gateway/bin/dicom-gateway /usr/bin/dicom-gateway
# The package's layout (dicom-gateway.jar beside bin/ and lib/): the launcher then makes /etc/dicom-gateway/gateway.yaml
# the default of every command, so `docker compose exec dicom-gateway dicom-gateway status` needs no --config.
COPY bin/dicom-gateway /usr/share/dicom-gateway/bin/dicom-gateway
COPY --from=build /build/target/dicom-gateway.jar /usr/share/dicom-gateway/dicom-gateway.jar
COPY --from=build /build/target/lib/ /usr/share/dicom-gateway/lib/
COPY conf/docker/gateway.yaml /etc/dicom-gateway/gateway.yaml
ENV JAVA_OPTS=-Xmx1g
USER dicom-gateway
WORKDIR /var/lib/dicom-gateway
VOLUME ["/var/lib/dicom-gateway"]
# 11112 DICOM (dicom.port), 2762 DICOM over TLS, 8080 operations endpoint (http.port: /healthz, /readyz, /metrics)
EXPOSE 11112 2762 8080
# /readyz: 200 when the port listens, the spool is writable with free space, and delivery runs (no curl in the image)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/share/dicom-gateway/bin/dicom-gateway"]
CMD ["run", "--config", "/etc/dicom-gateway/gateway.yaml"]
