# syntax=docker/dockerfile:1
# The dev OIDC provider for docker compose: mock-oauth2-server, the library and version the embedded
# default's devstack runs, started alone by its own standalone main from the devstack's class path,
# with the devstack's issuer ("pipeline") and token rules (devstack/oidc-config.json).
# For development only: it signs in anyone who asks. Build from the repository root:
#   docker build -f devstack/oidc.Dockerfile -t file-analysis-pipeline/dev-oidc .

FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY . .
# -Dskip.npm: dynalite (the devstack's DynamoDB, a Node.js package) is not part of this image.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -Dskip.npm package -pl devstack

# Only a JRE at run time, with the bash the health check needs (the upstream image is distroless).
FROM eclipse-temurin:17.0.15_6-jre-noble
# A user without privileges or a login; the provider keeps everything in memory.
RUN groupadd --system --gid 10001 pipeline \
 && useradd --system --uid 10001 --gid pipeline --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin pipeline
WORKDIR /app
COPY --from=build /build/devstack/target/lib /app/lib
COPY devstack/oidc-config.json /app/oidc-config.json
# mock-oauth2-server's own settings: its configuration file and its port.
ENV JSON_CONFIG_PATH=/app/oidc-config.json
ENV SERVER_PORT=8081
USER pipeline
EXPOSE 8081
STOPSIGNAL SIGTERM
# The JRE image has no curl: bash's /dev/tcp asks GET /isalive and wants a 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${SERVER_PORT:-8081} && printf 'GET /isalive HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-cp", "/app/lib/*", "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"]
