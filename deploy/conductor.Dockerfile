# The Conductor OSS server the tests use (scripts/test-services): the boot jar from Maven
# Central, Java 17, state in PostgreSQL (deploy/conductor.properties).
#   docker build -f deploy/conductor.Dockerfile -t reflector-conductor deploy
FROM debian:12
ARG CONDUCTOR_VERSION=3.21.14
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && curl -fsSL -o /opt/conductor-server.jar \
      "https://repo1.maven.org/maven2/org/conductoross/conductor-server/${CONDUCTOR_VERSION}/conductor-server-${CONDUCTOR_VERSION}-boot.jar"
COPY conductor.properties /etc/conductor.properties
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --retries=5 CMD curl -f http://localhost:8080/health || exit 1
CMD ["java", "-Xms256m", "-Xmx1g", "-Dpolyglot.engine.WarnInterpreterOnly=false", \
     "-DCONDUCTOR_CONFIG_FILE=/etc/conductor.properties", "-jar", "/opt/conductor-server.jar", "--server.port=8080"]
